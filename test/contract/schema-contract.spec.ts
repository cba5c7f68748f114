import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, Kind, parse, print, visit, type FieldDefinitionNode, type InputValueDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import { printApiSchema, RELEASED_SCHEMA_FILE, SCHEMA_FILE } from '../../apps/api/src/graphql/schema-file.js';
import { startLedgerApi, type RunningLedgerApi } from '../../apps/api/src/ledger-api.js';
import { readLedgerConfig } from '../../libs/runtime/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/test-database.js';
import { announcedPaths, breakingChangeReport, describeSchemaDrift, describeUnannounced, lineDiff } from './schema-contract.js';

/**
 * The API contract (README, "The API contract"): the schema the API serves is the committed schema.graphql, and
 * nothing in it breaks the released schema (schema.released.graphql) unless CHANGELOG.md's Unreleased section
 * announces it. Then the check itself, on breaking edits made in memory.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readRootFile = (name: string) => readFile(join(root, name), 'utf8');

describe('the live schema', () => {
  let database: TestDatabase;
  let api: RunningLedgerApi | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('contract');
    const config = readLedgerConfig({ DATABASE_URL: database.connectionString, PORT: '0', HOST: '127.0.0.1', LEDGER_API_KEY: 'contract-key-0123456789abcdef', PROJECTIONS: 'off' });
    api = await startLedgerApi({ config });
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('is the committed schema.graphql', async () => {
    const live = printApiSchema(api!.schema);
    const committed = await readRootFile(SCHEMA_FILE);
    if (live !== committed) throw new Error(await describeSchemaDrift(committed, live));
    expect(live).toBe(committed);
  });
});

describe('the committed schema against the released one', () => {
  it('breaks nothing that CHANGELOG.md does not announce in its Unreleased section', async () => {
    const report = await breakingChangeReport(await readRootFile(RELEASED_SCHEMA_FILE), await readRootFile(SCHEMA_FILE), await readRootFile('CHANGELOG.md'));
    if (report.unannounced.length > 0) throw new Error(describeUnannounced(report));
    expect(report.unannounced).toEqual([]);
  });
});

/** The committed schema with one Query field removed and one optional argument of another made required. */
function breakingEdit(sdl: string): { edited: string; removedField: string; requiredArgument: string } {
  const document = parse(sdl);
  const query = document.definitions.find((definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query');
  const fields = query?.fields ?? [];
  const withOptionalArgument = fields.find((field) => (field.arguments ?? []).some((argument) => argument.type.kind !== Kind.NON_NULL_TYPE));
  const removed = fields.findLast((field) => field !== withOptionalArgument);
  if (!withOptionalArgument || !removed) throw new Error('the committed schema has no Query field with an optional argument, or no second Query field');
  const argument = withOptionalArgument.arguments!.find((candidate) => candidate.type.kind !== Kind.NON_NULL_TYPE)!;
  const edited = visit(document, {
    FieldDefinition(node: FieldDefinitionNode) {
      return node === removed ? null : undefined;
    },
    InputValueDefinition(node: InputValueDefinitionNode) {
      if (node !== argument || node.type.kind === Kind.NON_NULL_TYPE) return undefined;
      return { ...node, type: { kind: Kind.NON_NULL_TYPE, type: node.type }, defaultValue: undefined };
    },
  });
  // Printed as schema.graphql is, so that only the edit differs.
  return { edited: printApiSchema(buildSchema(print(edited))), removedField: `Query.${removed.name.value}`, requiredArgument: `Query.${withOptionalArgument.name.value}.${argument.name.value}` };
}

/** The changelog with these lines added under the first "### Breaking" heading of its Unreleased section. */
function announcing(changelog: string, lines: readonly string[]): string {
  const unreleased = changelog.search(/^## +Unreleased\b/m);
  const breaking = changelog.slice(unreleased).search(/^### +Breaking\b.*$/m);
  if (unreleased < 0 || breaking < 0) throw new Error('CHANGELOG.md has no "### Breaking" heading in an Unreleased section');
  const headingEnd = changelog.indexOf('\n', unreleased + breaking) + 1;
  return `${changelog.slice(0, headingEnd)}${lines.join('\n')}\n${changelog.slice(headingEnd)}`;
}

describe('the check itself', () => {
  let committed: string;
  let changelog: string;
  let edit: ReturnType<typeof breakingEdit>;

  beforeAll(async () => {
    committed = await readRootFile(SCHEMA_FILE);
    changelog = await readRootFile('CHANGELOG.md');
    edit = breakingEdit(committed);
  });

  it('reports a removed field and a newly required argument as unannounced breaking changes', async () => {
    const report = await breakingChangeReport(committed, edit.edited, changelog);
    expect(report.unannounced.map((change) => change.path).sort()).toEqual([edit.removedField, edit.requiredArgument].sort());
    expect(report.announced).toEqual([]);
    const message = describeUnannounced(report);
    expect(message).toContain(`\`${edit.removedField}\``);
    expect(message).toContain(`\`${edit.requiredArgument}\``);
    expect(message).toContain('CHANGELOG.md');
  });

  it('takes a change as announced once a Breaking entry of the Unreleased section names its path', async () => {
    const both = announcing(changelog, [
      `- **\`${edit.removedField}\` is gone.** *Migration:* read it elsewhere.`,
      `- **\`${edit.requiredArgument}\` is required.** *Migration:* send it.`,
    ]);
    expect(await breakingChangeReport(committed, edit.edited, both)).toMatchObject({ unannounced: [], announced: expect.arrayContaining([expect.objectContaining({ path: edit.removedField }), expect.objectContaining({ path: edit.requiredArgument })]) });
    const one = announcing(changelog, [`- **\`${edit.removedField}\` is gone.** *Migration:* read it elsewhere.`]);
    expect((await breakingChangeReport(committed, edit.edited, one)).unannounced.map((change) => change.path)).toEqual([edit.requiredArgument]);
  });

  it('counts only Breaking entries of the Unreleased section: not Added, not an earlier section, not a longer path', () => {
    const text = [
      '## Unreleased: next',
      '### Breaking, with what to do',
      '- **`Query.kept` changed.** *Migration:* ...',
      '### Added',
      '- `Query.added`',
      '## Earlier changes recorded late',
      '### Breaking, with what to do',
      '- `Query.old`',
    ].join('\n');
    expect([...announcedPaths(text)]).toEqual(['Query.kept']);
    const field = announcedPaths('## Unreleased\n### Breaking, with what to do\n- `Query.invoices` changed');
    expect([field.has('Query.invoices'), field.has('Query.invoices.first'), field.has('Query.invoice')]).toEqual([true, false, false]);
  });

  it('shows what differs between the live schema and schema.graphql, and how to regenerate the file', async () => {
    expect(printApiSchema(buildSchema(committed))).toBe(committed);
    const message = await describeSchemaDrift(committed, edit.edited);
    expect(message).toContain('npm run schema:write');
    expect(message).toContain(`BREAKING ${edit.removedField}`);
    expect(message).toMatch(new RegExp(`^- +${edit.removedField.split('.')[1]}[(:]`, 'm'));
    expect(lineDiff('a\nb\nc\nd\n', 'a\nb\nx\nd\n')).toBe(['@@ line 1 @@', '  a', '  b', '- c', '+ x', '  d', '  '].join('\n'));
  });
});
