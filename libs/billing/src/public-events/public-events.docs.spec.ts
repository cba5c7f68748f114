import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webhookEvents } from '../billing-settings/billing-settings.js';
import { publicEventDefinitions } from './public-event.schemas.js';
import { publicEventSources } from './public-event.sources.js';

/** docs/public-events.md's catalogue table says what the code does: each type's version, sources and payload fields. */
const document = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'public-events.md'), 'utf8');
const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);

const rows = new Map(
  document
    .split('\n')
    .filter((line) => /^\| `[a-z_]+\.[a-z_]+` \|/.test(line))
    .map((line) => {
      const [type, version, sources, fields] = line.split('|').slice(1, 5).map((cell) => cell.trim()) as [string, string, string, string];
      return [names(type)[0] as string, { version: Number(version), sources: names(sources), fields: names(fields) }] as const;
    }),
);

describe('the catalogue table of docs/public-events.md', () => {
  it('has one row per public type, in the catalogue order', () => {
    expect([...rows.keys()]).toEqual([...webhookEvents]);
  });

  it.each([...webhookEvents])('%s: its version, its internal events and its payload fields, in order', (type) => {
    const sources = Object.entries(publicEventSources)
      .filter(([, source]) => source.publicTypes.includes(type))
      .map(([name]) => name);
    expect(rows.get(type)).toEqual({ version: publicEventDefinitions[type].version, sources, fields: Object.keys(publicEventDefinitions[type].schema.shape) });
  });
});
