/**
 * P9, statement import: one bank statement of N lines (2,000; --quick 200) imported and matched automatically, as the
 * importBankStatement mutation runs it (docs/reconciliation.md): parse the CSV with the account's mapping, key the
 * lines, decide the import on the account's reconciliation stream, read the account's N unmatched payments from the
 * reconciliation read model, propose the matches with one exact one-to-one rule, decide them, and append the import
 * and the N matches in ONE append. Every line matches one payment (same amount, same day, equal reference).
 *
 * Measured, over the same file: the parse and line keys alone (libs/bank-statements), and the whole handler call; the
 * difference is what the ledger adds (the reads, the decisions, matching and the append). Not gated: no bar yet.
 *
 *   BENCH_PS_LINES=2000
 */
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../../libs/application/src/index.js';
import { lineKeys, parseStatement } from '../../libs/bank-statements/src/index.js';
import { connectDatabase } from '../../libs/database/src/index.js';
import { PostgresEventStore } from '../../libs/event-store/src/index.js';
import { createPayment, upsertCustomer, type ApplicationServices } from '../../libs/ledger-application/src/index.js';
import { defineMatchingRule, importBankStatement, registerBankAccount, saveBankStatementCsvMapping } from '../../libs/ledger-application/src/banking/index.js';
import { ProjectionRunner, type ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';
import { silentLog } from '../../libs/runtime/src/index.js';
import { EventStoreTenantClock } from '../../libs/scheduler/src/index.js';
import { InMemorySecretStore } from '../../libs/secrets/src/index.js';
import { allProjections } from '../../projections/index.js';
import { caseDatabase, integerFromEnv, type CaseContext } from '../lib/context.js';
import { waitForCheckpoints } from '../lib/ledger-api.js';
import { table, type CaseReport } from '../lib/report.js';
import { formatNumber, round } from '../lib/stats.js';

const TENANT = 'bench';
const CUSTOMERS = 50;
const SEED_WRITERS = 8;
const CATCH_UP_TIMEOUT_MS = 600_000;
const PARSE_ROUNDS = 5;
const MAPPING = {
  delimiter: ',',
  hasHeader: true,
  dateFormat: 'YYYY-MM-DD',
  decimalSeparator: '.',
  columns: { bookingDate: 'Date', valueDate: 'Value', amount: 'Amount', reference: 'Reference', counterparty: 'Counterparty' },
} as const;

/** Payment `index`'s amount: distinct for every index, so each line has one candidate. */
function amountOf(index: number): string {
  return (100 + index * 0.07).toFixed(2);
}

export async function runPStatementImport(context: CaseContext): Promise<CaseReport> {
  const started = Date.now();
  const lines = context.quick ? 200 : integerFromEnv('BENCH_PS_LINES', 2_000, 10);
  const connectionString = await caseDatabase(context, 'statement_import');
  const store = new PostgresEventStore({ connectionString });
  await store.migrate();
  const { db, close } = connectDatabase<ReadModelDatabase>(connectionString, { poolSize: 10, applicationName: 'bench-statement-import' });
  const clock = () => new Date();
  const services: ApplicationServices = { store, db, clock, tenantClock: new EventStoreTenantClock(store, clock), log: silentLog, config: { readYourWritesTimeoutMs: 5_000 }, secrets: new InMemorySecretStore() };
  const projections = new ProjectionRunner({ store, db, connectionString, projections: [...allProjections] });
  const commandContext = (): CommandContext => {
    const commandId = randomUUID();
    return { tenantId: TENANT, actor: 'api-key:bench', commandId, correlationId: commandId, causationId: commandId, now: clock().toISOString() };
  };
  try {
    await projections.start();
    await registerBankAccount(services, commandContext(), { bankAccountId: 'ba_bench', name: 'Bench', type: 'business_checking', currency: 'USD', bankName: 'Bench Bank', accountNumber: '000123456789' });
    await saveBankStatementCsvMapping(services, commandContext(), { bankAccountId: 'ba_bench', mapping: MAPPING });
    await defineMatchingRule(services, commandContext(), {
      ruleId: 'exact',
      name: 'Exact',
      priority: 10,
      criteria: { multiplicity: 'one_to_one', amountTolerance: null, valueDateWindowDays: 0, reference: { operator: 'equals' }, counterparty: null, differenceAccount: 'reconciliation_suspense' },
    });
    const address = { line1: '1 Bench Street', line2: null, city: 'Benchville', region: null, postalCode: '00000', country: 'US' };
    for (let index = 0; index < CUSTOMERS; index += 1) {
      await upsertCustomer(services, commandContext(), { customerId: `customer-${index}`, name: `Customer ${index}`, email: null, billingAddress: address, taxExempt: false });
    }
    const seedStarted = Date.now();
    let next = 0;
    const days = new Array<string>(lines);
    await Promise.all(
      Array.from({ length: SEED_WRITERS }, async () => {
        for (let index = next++; index < lines; index = next++) {
          const recorded = await createPayment(services, commandContext(), { customerId: `customer-${index % CUSTOMERS}`, amount: amountOf(index), currency: 'USD', method: 'wire_transfer', reference: `PAY-${index}` });
          days[index] = (recorded.state.succeededAt ?? (recorded.state.recordedAt as string)).slice(0, 10);
        }
      }),
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    await waitForCheckpoints({ db, store }, allProjections.map((projection) => projection.name), CATCH_UP_TIMEOUT_MS);

    // The statement: one line per payment, same amount, same day, the payment's reference. Balances add up.
    const rows = days.map((day, index) => `${day},${day},${amountOf(index)},PAY-${index},Customer ${index % CUSTOMERS}`);
    const total = days.reduce((sum, _day, index) => sum + Math.round(Number(amountOf(index)) * 100), 0);
    const content = ['Date,Value,Amount,Reference,Counterparty', ...rows].join('\n') + '\n';
    const closingBalance = (total / 100).toFixed(2);

    const parseMs: number[] = [];
    for (let round = 0; round < PARSE_ROUNDS; round += 1) {
      const parseStarted = process.hrtime.bigint();
      const parsed = parseStatement({ format: 'csv', content, csvMapping: MAPPING, currency: 'USD', openingBalance: '0.00', closingBalance });
      lineKeys('ba_bench', parsed.lines);
      parseMs.push(Number(process.hrtime.bigint() - parseStarted) / 1e6);
    }
    const parseMedianMs = [...parseMs].sort((a, b) => a - b)[Math.floor(PARSE_ROUNDS / 2)] as number;

    const importStarted = process.hrtime.bigint();
    const outcome = await importBankStatement(services, commandContext(), { bankAccountId: 'ba_bench', format: 'csv', content, openingBalance: '0.00', closingBalance });
    const importMs = Number(process.hrtime.bigint() - importStarted) / 1e6;
    if (outcome.addedLineCount !== lines) throw new Error(`P9: ${outcome.addedLineCount} lines added, expected ${lines}`);
    const freshStarted = Date.now();
    await waitForCheckpoints({ db, store }, ['reconciliation', 'general_ledger'], CATCH_UP_TIMEOUT_MS);
    const freshAfterMs = Date.now() - freshStarted;
    const linesPerSecond = lines / (importMs / 1000);

    const summary = table(
      ['step', 'lines', 'ms', 'lines/s'],
      [
        ['parse + line keys (libs/bank-statements), median of 5', lines, formatNumber(parseMedianMs, 1), formatNumber(lines / (parseMedianMs / 1000), 0)],
        ['importBankStatement: parse, import, matching, one append', lines, formatNumber(importMs, 1), formatNumber(linesPerSecond, 0)],
      ],
      [false, true, true, true],
    );
    const markdown = `${lines} payments (wire transfers of ${CUSTOMERS} customers, distinct amounts) recorded through the handlers by ${SEED_WRITERS}
writers in ${formatNumber(seedSeconds, 1)} s (not measured), one exact matching rule, every read model caught up. Then one CSV
statement of ${lines} lines, one per payment, imported through the handler: ${outcome.autoMatchedLineCount} of ${lines} lines matched
automatically in the same append.

${summary}

- The handler's time over the parse's is the ledger's part: reading the account, the rules and ${lines} payments from the read model,
  the import and match decisions, and one append of ${1 + outcome.autoMatchedLineCount} events.
- The reconciliation and general-ledger read models held the import and its matches ${freshAfterMs} ms after the handler returned.
`;
    return {
      id: 'P9',
      title: 'statement import with automatic matching',
      seeded: `${lines} payments and one exact matching rule on one bank account, in a fresh database with every read model running.`,
      bars: [
        { name: 'statement import with matching (lines/s)', value: round(linesPerSecond, 0), unit: 'lines/s', comparison: '>=', detail: `${lines} lines, all matched one-to-one; no bar yet` },
        { name: 'lines matched automatically', value: outcome.autoMatchedLineCount, unit: 'lines', comparison: '>=', detail: `of ${lines}` },
      ],
      markdown,
      data: { settings: { lines, customers: CUSTOMERS }, parseMs, parseMedianMs, importMs, linesPerSecond, autoMatched: outcome.autoMatchedLineCount, freshAfterMs, seedSeconds },
      durationSeconds: round((Date.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
      quick: context.quick,
    };
  } finally {
    await projections.stop().catch(() => undefined);
    await store.close();
    await close();
  }
}
