import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { customerEventSchemas } from '../../../libs/billing/src/index.js';
import type { RecordedEvent } from '../../../libs/event-store/src/index.js';
import { allProjections } from '../../../projections/index.js';
import { chooseProjections, parsePositionArgument } from './replay-command.js';
import { registeredEventTypes, replayRecord, schemaFailure } from './replay.js';

const recorded = (type: string, data: Record<string, unknown>, schemaVersion?: number): RecordedEvent => ({
  streamId: 'acme:customer-c1',
  revision: 3n,
  eventId: '00000000-0000-4000-8000-000000000001',
  type,
  data: data as RecordedEvent['data'],
  metadata: { tenantId: 'acme', actor: 'api-key:k1', commandId: 'c', correlationId: 'r', causationId: 'c', ...(schemaVersion === undefined ? {} : { schemaVersion }) },
  position: { commit: 12n, prepare: 34n },
  recordedAt: new Date('2026-12-07T10:00:00.000Z'),
});

describe('parsePositionArgument', () => {
  it.each([
    ['start', 'start'],
    ['end', 'end'],
    ['0.0', { commit: 0n, prepare: 0n }],
    ['123.456', { commit: 123n, prepare: 456n }],
  ])('reads %s', (text, position) => {
    expect(parsePositionArgument(text)).toEqual(position);
  });

  it.each(['', '12', '12.', '.3', '01.2', '1.2.3', '-1.2', 'begin', '18446744073709551616.0'])('refuses %j with what to send instead', (text) => {
    expect(() => parsePositionArgument(text)).toThrow(InvalidArgumentError);
    expect(() => parsePositionArgument(text)).toThrow(/expected a position <commit>\.<prepare>/);
  });
});

describe('chooseProjections', () => {
  it('gives every projection for no names, the named ones in registry order otherwise', () => {
    expect(chooseProjections(allProjections, []).map((projection) => projection.name)).toEqual(allProjections.map((projection) => projection.name));
    expect(chooseProjections(allProjections, ['payments', 'invoices']).map((projection) => projection.name)).toEqual(['invoices', 'payments']);
  });

  it('names the unknown ones and lists the known', () => {
    expect(() => chooseProjections(allProjections, ['invoices', 'nonsense', 'other'])).toThrow(/^no projection named nonsense, other; the projections are invoices, customer_balances, /);
  });
});

describe('schemaFailure', () => {
  const registry = registeredEventTypes();

  it('knows the event types of every aggregate of the stream registry', () => {
    for (const type of ['InvoiceIssued', 'PaymentRecorded', 'CustomerRegistered', 'SubscriptionActivated', 'BillingSettingsSectionUpdated']) {
      if (!registry.has(type)) throw new Error(`${type} is not registered`);
    }
    expect(registry.has('TestMarkerAppended')).toBe(false);
  });

  it('names a type no aggregate registers', () => {
    expect(schemaFailure(recorded('WidgetRetired', {}), registry)).toBe('no event schema is registered for type WidgetRetired');
  });

  it('parses an event of the current version through its schema too (a load would take it as stored), naming each bad field', () => {
    const [type, schema] = Object.entries(customerEventSchemas)[0] as [string, { schemaVersion: number }];
    const reason = schemaFailure(recorded(type, { customerId: 42 }, schema.schemaVersion), registry);
    expect(reason?.split('; ')).toContain('customerId: Invalid input: expected string, received number');
    expect(reason).not.toContain('\n');
  });
});

describe('replayRecord', () => {
  it('carries the position, time, stream, revision, type, id, data and metadata as stored', () => {
    const event = recorded('CustomerRegistered', { customerId: 'c1' }, 1);
    expect(replayRecord(event)).toEqual({
      position: '12.34',
      recordedAt: '2026-12-07T10:00:00.000Z',
      stream: 'acme:customer-c1',
      revision: '3',
      type: 'CustomerRegistered',
      eventId: event.eventId,
      data: { customerId: 'c1' },
      metadata: event.metadata,
    });
  });
});
