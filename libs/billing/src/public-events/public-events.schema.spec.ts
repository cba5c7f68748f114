import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webhookEvents } from '../billing-settings/billing-settings.js';
import { publicEventCatalogue, type PublicEventCatalogueDocument } from './public-event.js';

/**
 * The published catalogue (GET /events/schema) is committed as public-events.schema.json, so that every change to a
 * payload shows in review; and a change that is not additive must come with a new version (docs/public-events.md,
 * "Versioning"). To accept a reviewed change, regenerate the file:
 *
 *   PUBLIC_EVENTS_SCHEMA_WRITE=1 NODE_OPTIONS=--experimental-vm-modules npx jest libs/billing/src/public-events/public-events.schema
 */

const committedFile = join(dirname(fileURLToPath(import.meta.url)), 'public-events.schema.json');
const printed = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

/** The first lines that differ, committed (-) against live (+), for the failure message. */
function changedLines(committed: string, live: string, limit = 20): string {
  const before = committed.split('\n');
  const after = live.split('\n');
  const lines: string[] = [];
  for (let index = 0; index < Math.max(before.length, after.length) && lines.length < limit; index += 1) {
    if (before[index] !== after[index]) lines.push(`line ${index + 1}:\n- ${before[index] ?? ''}\n+ ${after[index] ?? ''}`);
  }
  return lines.join('\n');
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const annotations = new Set(['description', 'examples', '$schema', 'title']);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a receiver of payloads valid under `before` could find broken under `after`: a field gone, no longer required,
 * of another type or format, an enum value gone, a bound moved. New properties (always present from then on) and new
 * enum values are additions, like changed descriptions.
 */
function breakingChanges(before: Json, after: Json, path = ''): string[] {
  if (!isObject(before) || !isObject(after)) return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path || '/'}: ${JSON.stringify(before)} became ${JSON.stringify(after)}`];
  const problems: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (annotations.has(key)) continue;
    const old = before[key];
    const next = after[key];
    const at = `${path}/${key}`;
    if (key === 'properties' && isObject(old) && isObject(next)) {
      for (const [property, schema] of Object.entries(old)) {
        if (!(property in next)) problems.push(`${at}/${property}: removed`);
        else problems.push(...breakingChanges(schema, next[property] as Json, `${at}/${property}`));
      }
    } else if (key === 'required' && Array.isArray(old)) {
      const still = new Set(Array.isArray(next) ? next : []);
      for (const property of old) if (!still.has(property)) problems.push(`${path}/properties/${String(property)}: no longer required`);
    } else if (key === 'enum' && Array.isArray(old)) {
      const offered = new Set((Array.isArray(next) ? next : []).map((value) => JSON.stringify(value)));
      for (const value of old) if (!offered.has(JSON.stringify(value))) problems.push(`${at}: ${JSON.stringify(value)} removed`);
    } else if (Array.isArray(old) && Array.isArray(next) && old.length === next.length && (key === 'anyOf' || key === 'oneOf' || key === 'allOf')) {
      old.forEach((schema, index) => problems.push(...breakingChanges(schema, next[index] as Json, `${at}/${index}`)));
    } else if (isObject(old) && isObject(next)) {
      problems.push(...breakingChanges(old, next, at));
    } else if (JSON.stringify(old) !== JSON.stringify(next)) {
      problems.push(`${at}: ${JSON.stringify(old)} became ${JSON.stringify(next)}`);
    }
  }
  return problems;
}

/** The breaking changes between two catalogue documents, for the types whose version did not change. */
function unversionedBreaks(before: PublicEventCatalogueDocument, after: PublicEventCatalogueDocument): string[] {
  return Object.entries(before.events).flatMap(([type, entry]) => {
    const next = (after.events as Record<string, (typeof after.events)[keyof typeof after.events] | undefined>)[type];
    if (!next) return [`${type}: removed from the catalogue`];
    if (next.version !== entry.version) return [];
    return breakingChanges(entry.schema as Json, next.schema as Json).map((problem) => `${type} v${entry.version}${problem}`);
  });
}

describe('the published catalogue', () => {
  const live = publicEventCatalogue();

  it('changes nothing in a way that breaks receivers without a new version', () => {
    const committed = JSON.parse(readFileSync(committedFile, 'utf8')) as PublicEventCatalogueDocument;
    const breaks = unversionedBreaks(committed, live);
    if (breaks.length > 0) throw new Error(`breaking changes to public payloads need a new version (docs/public-events.md, "Versioning"):\n${breaks.join('\n')}`);
    expect(breaks).toEqual([]);
  });

  it('is the committed public-events.schema.json', () => {
    if (process.env.PUBLIC_EVENTS_SCHEMA_WRITE === '1') writeFileSync(committedFile, printed(live));
    const committed = readFileSync(committedFile, 'utf8');
    if (committed !== printed(live)) {
      throw new Error(
        `the public event schemas changed: review the change, then regenerate public-events.schema.json with PUBLIC_EVENTS_SCHEMA_WRITE=1 (see this spec)\n${changedLines(committed, printed(live))}`,
      );
    }
    expect(committed).toBe(printed(live));
  });

  it('lists every public type with its version, description and a JSON Schema of its payload that admits additions', () => {
    expect(Object.keys(live.events)).toEqual([...webhookEvents]);
    for (const entry of Object.values(live.events)) {
      expect(entry).toEqual({ version: 1, description: expect.any(String), schema: expect.objectContaining({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }) });
      expect(JSON.stringify(entry.schema)).not.toContain('"additionalProperties":false');
    }
    expect(live.events['invoice.paid'].schema).toMatchObject({
      required: ['invoiceId', 'customerId', 'currency', 'settledBy', 'paymentId', 'creditNoteId', 'amount', 'paidAt'],
      properties: { amount: { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }, paidAt: { type: 'string', format: 'date-time' }, paymentId: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] } },
    });
  });

  it('is computed once and cannot be changed by a reader', () => {
    expect(publicEventCatalogue()).toBe(live);
    expect(Object.isFrozen(live.events['invoice.paid'].schema)).toBe(true);
  });
});

describe('what counts as a breaking change', () => {
  const schema: Json = {
    type: 'object',
    properties: { amount: { type: 'string', pattern: '^\\d+$', description: 'a' }, status: { type: 'string', enum: ['open', 'paid'] }, note: { type: ['string', 'null'] } },
    required: ['amount', 'status', 'note'],
  };
  const edited = (edit: (copy: JsonObject) => void): Json => {
    const copy = structuredClone(schema) as JsonObject;
    edit(copy);
    return copy;
  };
  const properties = (copy: JsonObject) => copy.properties as JsonObject;

  it.each<[string, Json, string[]]>([
    ['a new field', edited((copy) => ((properties(copy).fee = { type: 'string' }), (copy.required as Json[]).push('fee'))), []],
    ['a new enum value', edited((copy) => ((properties(copy).status as JsonObject).enum = ['open', 'paid', 'void'])), []],
    ['a new description', edited((copy) => ((properties(copy).amount as JsonObject).description = 'b')), []],
    ['a field removed', edited((copy) => ((copy.properties = { status: properties(copy).status as Json, note: properties(copy).note as Json }), (copy.required = ['status', 'note']))), ['/properties/amount: removed', '/properties/amount: no longer required']],
    ['a field no longer required', edited((copy) => (copy.required = ['amount', 'status'])), ['/properties/note: no longer required']],
    ['an enum value removed', edited((copy) => ((properties(copy).status as JsonObject).enum = ['open'])), ['/properties/status/enum: "paid" removed']],
    ['a field that may now be null', edited((copy) => ((properties(copy).amount as JsonObject).type = ['string', 'null'])), ['/properties/amount/type: "string" became ["string","null"]']],
    ['a changed pattern', edited((copy) => ((properties(copy).amount as JsonObject).pattern = '^\\d+(\\.\\d+)?$')), ['/properties/amount/pattern: "^\\\\d+$" became "^\\\\d+(\\\\.\\\\d+)?$"']],
  ])('%s', (_name, after, expected) => {
    expect(breakingChanges(schema, after)).toEqual(expected);
  });

  it('a new version may change anything; the same version may only add; a type may not disappear', () => {
    const document = (version: number, payload: Json): PublicEventCatalogueDocument => ({ version: 1, events: { 'invoice.paid': { version, description: 'd', schema: payload as JsonObject } } }) as unknown as PublicEventCatalogueDocument;
    const removed = edited((copy) => (copy.required = ['amount']));
    expect(unversionedBreaks(document(1, schema), document(1, removed))).toEqual(['invoice.paid v1/properties/status: no longer required', 'invoice.paid v1/properties/note: no longer required']);
    expect(unversionedBreaks(document(1, schema), document(2, removed))).toEqual([]);
    expect(unversionedBreaks(document(1, schema), { version: 1, events: {} } as unknown as PublicEventCatalogueDocument)).toEqual(['invoice.paid: removed from the catalogue']);
  });
});
