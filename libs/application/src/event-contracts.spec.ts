import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../event-store/src/index.js';
import { aggregates, storedEvents } from './aggregates.js';
import type { CommandContext } from './event-envelope.js';

const context: CommandContext = {
  tenantId: 'acme',
  actor: 'user-1',
  commandId: 'command-1',
  correlationId: 'correlation-1',
  causationId: 'causation-1',
  now: '2025-03-01T10:00:00.000Z',
};

const registered = {
  type: 'CustomerRegistered',
  data: {
    customerId: 'cus-1',
    name: 'Ada',
    email: null,
    billingAddress: { line1: '1 Main St', line2: null, city: 'Springfield', region: null, postalCode: '12345', country: 'US' },
    taxExempt: false,
    registeredAt: '2025-03-01T10:00:00.000Z',
  },
};

function recorded(data: object, schemaVersion: number | undefined): RecordedEvent {
  return {
    streamId: 'acme:customer-cus-1',
    revision: 0n,
    eventId: 'event-1',
    type: 'CustomerRegistered',
    data: data as RecordedEvent['data'],
    metadata: schemaVersion === undefined ? {} : { schemaVersion },
    position: { commit: 1n, prepare: 1n },
    recordedAt: new Date('2025-03-01T10:00:00.000Z'),
  };
}

describe('event contracts are checked when events are written, and trusted when read back at their version', () => {
  it('stores an event as its schema reads it, with its schema version', () => {
    const [stored] = storedEvents([{ type: registered.type, data: { ...registered.data, stray: 'dropped' } }], context, 'acme:customer-cus-1');
    expect(stored?.data).toEqual(registered.data);
    expect(stored?.metadata).toMatchObject({ schemaVersion: 1, commandId: 'command-1', tenantId: 'acme' });
  });

  it('refuses to write an event that breaks its contract: a bug in a decider fails the command before anything is stored', () => {
    expect(() => storedEvents([{ type: registered.type, data: { ...registered.data, registeredAt: 'yesterday' } }], context, 'acme:customer-cus-1')).toThrow(/ISO-8601 instant/);
    expect(() => storedEvents([{ type: 'CustomerTeleported', data: {} }], context, 'acme:customer-cus-1')).toThrow('no event schema for CustomerTeleported');
  });

  it('reads an event stored at the current version as stored, and one of another version (or none) through the schema', () => {
    const current = aggregates.customer.parse(recorded({ ...registered.data, stray: 'kept' }, 1));
    expect(current.data).toMatchObject({ stray: 'kept' });
    const unversioned = aggregates.customer.parse(recorded({ ...registered.data, stray: 'dropped' }, undefined));
    expect(unversioned.data).toEqual(registered.data);
    expect(() => aggregates.customer.parse(recorded({ ...registered.data, registeredAt: 'yesterday' }, undefined))).toThrow(/ISO-8601 instant/);
  });

  it('hands out read events frozen under test, so a consumer changing a shared event in place fails at once', () => {
    const event = aggregates.customer.parse(recorded(structuredClone(registered.data), 1));
    expect(() => {
      (event.data as { name: string }).name = 'Changed';
    }).toThrow(TypeError);
    expect(() => {
      (event.data as { billingAddress: { city: string } }).billingAddress.city = 'Elsewhere';
    }).toThrow(TypeError);
  });
});
