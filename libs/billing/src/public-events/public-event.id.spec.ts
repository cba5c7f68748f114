import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { uuidV5 } from '../../../application/src/deterministic-id.js';
import { derivedPublicEventId, PUBLIC_EVENT_ID_NAMESPACE, uuidV5Of } from './public-event.id.js';

/** The domain's own SHA-1 UUID v5 (it imports no crypto module) gives exactly what node:crypto's does. */
describe('derived public event ids', () => {
  it('are RFC 4122 version 5 UUIDs equal to the ones node:crypto derives, for any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.uuid(), (name, namespace) => {
        expect(uuidV5Of(name, namespace)).toBe(uuidV5(name, namespace));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['', 0],
    ['x'.repeat(55), 55],
    ['x'.repeat(56), 56],
    ['x'.repeat(64), 64],
    ['é😀', 6],
  ])('pads every message length correctly (%#: %i bytes)', (name) => {
    expect(uuidV5Of(name, PUBLIC_EVENT_ID_NAMESPACE)).toBe(uuidV5(name, PUBLIC_EVENT_ID_NAMESPACE));
  });

  it('derive from the internal event id and the public type, in the public events namespace', () => {
    const eventId = '0b9a4c1e-8f47-4d0e-9a57-6a3f1c2d9e10';
    expect(derivedPublicEventId(eventId, 'invoice.paid')).toBe(uuidV5(`${eventId}:invoice.paid`, PUBLIC_EVENT_ID_NAMESPACE));
    expect(derivedPublicEventId(eventId, 'invoice.paid')).not.toBe(derivedPublicEventId(eventId, 'payment.succeeded'));
    expect(derivedPublicEventId(eventId, 'invoice.paid')).not.toBe(uuidV5(`${eventId}:invoice.paid`));
  });

  it('refuse a namespace that is not a UUID', () => {
    expect(() => uuidV5Of('name', 'not-a-uuid')).toThrow('is not a UUID');
  });
});
