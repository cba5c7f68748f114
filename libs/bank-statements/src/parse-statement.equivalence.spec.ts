import { describe, expect, it } from '@jest/globals';
import { lineKeys } from './line-keys.js';
import { parseStatement } from './parse-statement.js';
import type { ParseStatementInput } from './statement.types.js';
import { marchCsvMapping, marchFixtures, marchLines, readFixture, withoutSourceLines } from './statement.test-helper.js';

const account = 'ba_main_eur';
const inputs: Readonly<Record<keyof typeof marchFixtures, ParseStatementInput>> = {
  camt053: { format: 'camt053', content: readFixture(marchFixtures.camt053), currency: 'EUR' },
  ofx1: { format: 'ofx', content: readFixture(marchFixtures.ofx1), currency: 'EUR' },
  ofx2: { format: 'ofx', content: readFixture(marchFixtures.ofx2), currency: 'EUR' },
  csv: { format: 'csv', content: readFixture(marchFixtures.csv), currency: 'EUR', csvMapping: marchCsvMapping },
};

describe('one set of transactions in four formats', () => {
  it.each(Object.keys(inputs) as (keyof typeof inputs)[])('%s gives the expected lines, balances and source lines', (name) => {
    const statement = parseStatement(inputs[name]);
    expect(withoutSourceLines(statement.lines)).toEqual(marchLines);
    expect(statement).toMatchObject({ currency: 'EUR', openingBalance: '5000.00', closingBalance: '21510.82' });
    // Source lines point into the file, strictly increasing.
    const sourceLines = statement.lines.map((line) => line.sourceLine);
    expect(sourceLines).toEqual([...sourceLines].sort((a, b) => a - b));
    expect(new Set(sourceLines).size).toBe(sourceLines.length);
  });

  it('camt.053, OFX 1, OFX 2 and CSV give the same lines and the same line keys', () => {
    const parsed = Object.values(inputs).map((input) => parseStatement(input));
    const [first, ...others] = parsed.map((statement) => withoutSourceLines(statement.lines));
    for (const other of others) expect(other).toEqual(first);
    const keys = parsed.map((statement) => lineKeys(account, statement.lines));
    for (const other of keys.slice(1)) expect(other).toEqual(keys[0]);
    expect(keys[0]).toEqual(['TX0001', 'TX0002', 'TX0003', 'TX0004', 'TX0005', 'TX0006', 'TX0007', 'TX0008'].map((id) => `tx:${id}`));
  });

  it('names the statement, the account and the period where the format has them', () => {
    expect(parseStatement(inputs.camt053)).toMatchObject({ statementRef: 'STMT-2026-03', accountRef: 'DE89370400440532013000', fromDate: '2026-03-01', toDate: '2026-03-31' });
    expect(parseStatement(inputs.ofx1)).toMatchObject({ statementRef: null, accountRef: 'DE89370400440532013000', fromDate: '2026-03-01', toDate: '2026-03-31' });
    expect(parseStatement(inputs.ofx2)).toMatchObject({ statementRef: null, accountRef: 'DE89370400440532013000', fromDate: '2026-03-01', toDate: '2026-03-31' });
    // CSV has no period: the first and last booking dates.
    expect(parseStatement(inputs.csv)).toMatchObject({ statementRef: null, accountRef: null, fromDate: '2026-03-02', toDate: '2026-03-20' });
  });

  it('the same camt.053 file parsed twice gives identical keys (a re-import adds nothing)', () => {
    const once = lineKeys(account, parseStatement(inputs.camt053).lines);
    const twice = lineKeys(account, parseStatement({ ...inputs.camt053 }).lines);
    expect(twice).toEqual(once);
    expect(new Set(once).size).toBe(once.length);
  });

  it('without a transaction id column, CSV keys are hashes, stable across parses and distinct for the two equal coffees', () => {
    const { transactionId: _dropped, ...columns } = marchCsvMapping.columns;
    const input: ParseStatementInput = { ...inputs.csv, csvMapping: { ...marchCsvMapping, columns } };
    const lines = parseStatement(input).lines;
    expect(lines.every((line) => line.bankTransactionId === null)).toBe(true);
    const keys = lineKeys(account, lines);
    expect(keys.every((key) => /^h:[0-9a-f]{64}$/.test(key))).toBe(true);
    expect(new Set(keys).size).toBe(8);
    // Lines 4 and 5 are the same coffee on the same day: equal but for their occurrence.
    expect(withoutSourceLines([lines[3]!])).toEqual(withoutSourceLines([lines[4]!]));
    expect(keys[3]).not.toBe(keys[4]);
    expect(lineKeys(account, parseStatement(input).lines)).toEqual(keys);
  });
});
