import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { z } from 'zod';
import { eventFields } from '../common/event-fields.js';
import { derivedPublicEventId } from './public-event.id.js';
import { publicEventDefinitions } from './public-event.schemas.js';
import { publicEventSources, type PublicEventSource } from './public-event.sources.js';
import { publicEventsOf, webhookBodyOf, type PublicSourceEvent } from './public-event.js';

/**
 * Over internal events generated from their own zod contracts (so a field added to an event is generated too): every
 * public event the catalogue gives parses with its public schema to exactly itself, has the right envelope and ids,
 * is the same on every call and for every stored version of the data, and serialises to the same webhook body.
 */

const runs = Number(process.env.PUBLIC_EVENTS_RUNS ?? 150);

const decimal: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '0.00', '0.000', '-0.00'),
  fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 4 })).map(([negative, units, scale]) => {
    const digits = units.toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
    return negative ? `-${text}` : text;
  }),
);

const dateRange = { min: new Date('1001-01-01T00:00:00.000Z'), max: new Date('9998-12-31T00:00:00.000Z'), noInvalidDate: true };
const calendarDate: fc.Arbitrary<string> = fc.date(dateRange).map((date) => date.toISOString().slice(0, 10));

/** Instants as the internal contract accepts them: UTC or an offset, with or without seconds and fractions. */
const instant: fc.Arbitrary<string> = fc
  .tuple(fc.date(dateRange), fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.constantFrom('ms', 'seconds', 'minutes', 'nanos'))
  .map(([date, offsetMinutes, precision]) => {
    const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString();
    const sign = offsetMinutes < 0 ? '-' : '+';
    const magnitude = Math.abs(offsetMinutes);
    const zone = offsetMinutes === 0 ? 'Z' : `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
    const base = local.slice(0, 19);
    if (precision === 'seconds') return `${base}${zone}`;
    if (precision === 'minutes') return `${base.slice(0, 16)}${zone}`;
    if (precision === 'nanos') return `${local.slice(0, 23)}456789${zone}`;
    return `${local.slice(0, 23)}${zone}`;
  });

const identifier: fc.Arbitrary<string> = fc.oneof(fc.uuid(), fc.stringMatching(/^[a-z0-9][a-z0-9_.:-]{0,15}$/));
const currency: fc.Arbitrary<string> = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'GBP');

/** An arbitrary of values a zod schema accepts, from its structure; the shared event field types by identity. */
function arbitraryOf(schema: z.core.$ZodType): fc.Arbitrary<unknown> {
  if (schema === eventFields.decimal) return decimal;
  if (schema === eventFields.calendarDate) return calendarDate;
  if (schema === eventFields.instant) return instant;
  if (schema === eventFields.currencyCode) return currency;
  if (schema === eventFields.identifier) return identifier;
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.core.$ZodType>;
    const keys = Object.keys(shape);
    const requiredKeys = keys.filter((key) => !(shape[key] instanceof z.ZodOptional) && !(shape[key] instanceof z.ZodDefault));
    return fc.record(Object.fromEntries(keys.map((key) => [key, arbitraryOf(shape[key] as z.core.$ZodType)])), { requiredKeys });
  }
  if (schema instanceof z.ZodArray) {
    const minimum = schema.def.checks?.reduce((least, check) => (check._zod.def.check === 'min_length' ? Math.max(least, (check._zod.def as unknown as { minimum: number }).minimum) : least), 0) ?? 0;
    return fc.array(arbitraryOf(schema.element), { minLength: minimum, maxLength: minimum + 3 });
  }
  if (schema instanceof z.ZodNullable) return fc.option(arbitraryOf(schema.unwrap()), { nil: null, freq: 3 });
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return arbitraryOf(schema.unwrap());
  if (schema instanceof z.ZodEnum) return fc.constantFrom(...(schema.options as (string | number)[]));
  if (schema instanceof z.ZodLiteral) return fc.constantFrom(...(schema.values as Set<string>));
  if (schema instanceof z.ZodUnion) return fc.oneof(...(schema.options as z.core.$ZodType[]).map(arbitraryOf));
  if (schema instanceof z.ZodBoolean) return fc.boolean();
  if (schema instanceof z.ZodNumber) return fc.integer({ min: Math.max(schema.minValue ?? -1_000, -1_000), max: Math.min(schema.maxValue ?? 1_000, 1_000) });
  if (schema instanceof z.ZodString) return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24), unit: 'grapheme' });
  throw new Error(`no arbitrary for a zod ${schema._zod.def.type}`);
}

const position = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 0n, max: 2n ** 40n })).map(([commit, prepare]) => `${commit}.${prepare}`);
const tenant = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);

function storedEventsOf(type: string, source: PublicEventSource): fc.Arbitrary<{ raw: unknown; event: PublicSourceEvent }> {
  return fc.record({ raw: arbitraryOf(source.schema.data), eventId: fc.uuid(), tenantId: tenant, position, recordedAt: instant }).map(({ raw, eventId, tenantId, position: at, recordedAt }) => ({
    raw,
    event: { eventId, type, data: raw, streamId: `${tenantId}:stream-${eventId}`, position: at, recordedAt, schemaVersion: undefined },
  }));
}

describe.each(Object.entries(publicEventSources))('%s', (type, source) => {
  it('gives public events that parse with their schemas to exactly themselves, with a sound envelope, every time the same', () => {
    fc.assert(
      fc.property(storedEventsOf(type, source), ({ raw, event }) => {
        // The generator itself keeps the contract: data the aggregate could have written.
        const written = source.schema.data.safeParse(raw);
        if (!written.success) throw new Error(`generated ${type} data breaks its contract: ${written.error.message}`);
        // As stored at the current version (parsed once when written), and as an older version read through the contract.
        const current = publicEventsOf({ ...event, data: written.data, schemaVersion: source.schema.schemaVersion });
        const upcast = publicEventsOf(event);
        expect(upcast).toEqual(current);
        expect(publicEventsOf({ ...event, data: written.data, schemaVersion: source.schema.schemaVersion })).toEqual(current);

        const types = current.map((published) => published.type);
        expect(new Set(types).size).toBe(types.length);
        current.forEach((published, index) => {
          expect(source.publicTypes).toContain(published.type);
          const definition = publicEventDefinitions[published.type];
          expect(definition.schema.parse(published.data)).toEqual(published.data);
          expect(JSON.parse(JSON.stringify(published.data))).toEqual(published.data);
          expect(published.id).toBe(index === 0 ? event.eventId : derivedPublicEventId(event.eventId, published.type));
          expect(published.version).toBe(definition.version);
          expect(published.tenantId).toBe(event.streamId.slice(0, event.streamId.indexOf(':')));
          expect(published.position).toBe(event.position);
          expect(published.occurredAt).toBe(new Date(published.occurredAt).toISOString());
          const body = webhookBodyOf(published);
          expect(Object.keys(JSON.parse(body))).toEqual(['type', 'timestamp', 'data']);
          expect(JSON.parse(body)).toEqual({ type: published.type, timestamp: published.occurredAt, data: published.data });
          expect(webhookBodyOf(upcast[index] as (typeof upcast)[number])).toBe(body);
        });
        expect(new Set(current.map((published) => published.id)).size).toBe(current.length);
      }),
      { numRuns: runs },
    );
  });
});

describe('invoice.paid follows the balance, whatever the figures', () => {
  const zero = (value: string) => /^-?0+(\.0+)?$/.test(value);
  it.each(['InvoicePaymentApplied', 'InvoiceCreditApplied', 'InvoicePaymentRecorded'])('%s gives invoice.paid exactly when balanceDueAfter is zero', (type) => {
    const source = publicEventSources[type] as PublicEventSource;
    fc.assert(
      fc.property(storedEventsOf(type, source), ({ raw, event }) => {
        const paid = publicEventsOf(event).filter((published) => published.type === 'invoice.paid');
        expect(paid.length).toBe(zero((raw as { balanceDueAfter: string }).balanceDueAfter) ? 1 : 0);
      }),
      { numRuns: runs },
    );
  });

  it('InvoiceIssued gives invoice.paid exactly when its total is zero, after invoice.created', () => {
    const source = publicEventSources.InvoiceIssued as PublicEventSource;
    fc.assert(
      fc.property(storedEventsOf('InvoiceIssued', source), ({ raw, event }) => {
        const types = publicEventsOf(event).map((published) => published.type);
        expect(types).toEqual(zero((raw as { total: string }).total) ? ['invoice.created', 'invoice.paid'] : ['invoice.created']);
      }),
      { numRuns: runs },
    );
  });

  it('instants keep their moment when normalised', () => {
    fc.assert(
      fc.property(instant, (value) => {
        const [voided] = publicEventsOf({ eventId: 'e', type: 'InvoiceVoided', data: { invoiceId: 'i', reason: 'r', voidedAt: value }, streamId: 't:x', position: '1.1', recordedAt: value });
        expect(Date.parse(voided?.occurredAt as string)).toBe(Date.parse(value));
      }),
      { numRuns: runs },
    );
  });
});
