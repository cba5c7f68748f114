import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { allocatePayment } from '../../libs/ledger-application/src/payments/allocate-payment.js';
import { streams } from '../../libs/application/src/index.js';
import { isDomainError } from '../../libs/billing/src/index.js';
import { WrongExpectedVersionError, type EventStore } from '../../libs/event-store/src/index.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { updateSettings } from '../support/settings-effect.support.js';
import { ApplicationLedger, StoredFolds, checkReadModels, waitForReadModels } from './ledger-model.application.js';
import { checkConservation, checkGeneralLedger, checkInvoiceStreams, checkStatesAgainstModel, stepsArbitrary } from './ledger-model.checks.js';
import { InMemoryLedger, type ActionResult } from './ledger-model.in-memory.js';
import { LedgerModel, modelCurrencies, type Action, type Prediction, type Step } from './ledger-model.reference.js';

/**
 * Model-based property test of the money paths (docs/domain.md, "Invoices", "Payments", "Allocation", "Refunds",
 * "Credit notes and customer credit", "General ledger"): random sequences of invoices, payments (explicit or oldest due
 * first, often beyond the balance), refunds (partial, full, store credit, beyond what is refundable), credit notes
 * (with and without a source invoice, beyond what is creditable), their applications (to invoices, accounts, as
 * refunds, beyond the remaining credit or the balance), customer credit applications, write-offs and voids are run
 * through the real deciders, folds and posting rules, and compared after every step with a small reference model
 * (ledger-model.reference.ts) that predicts every balance, credit, refundable amount and every refusal.
 *
 * A failure prints fast-check's seed, path and counterexample. Add them to `regressions` below (with what it found)
 * so that it is replayed on every run. Run with LEDGER_PROPERTY_STATS=1 to print what the runs exercised.
 */

const SEQUENCE_LENGTH_MIN = 1;
const SEQUENCE_LENGTH_MAX = 30;
const IN_MEMORY_RUNS = 1_000;
/** Through the real handlers and PostgreSQL: fewer and shorter sequences, each in a tenant of its own. */
const DATABASE_RUNS = 25;
const DATABASE_SEQUENCE_LENGTH_MIN = 12;
const DATABASE_SEQUENCE_LENGTH_MAX = 24;
const FAR_FUTURE = '2100-01-01T00:00:00.000Z';

interface Regression {
  /** Which property failed: the in-memory one, or the one through the application and PostgreSQL. */
  property: 'in_memory' | 'database';
  /** What fast-check printed: where the case came from. */
  seed: number;
  path: string;
  /**
   * The counterexample fast-check printed, replayed as it is: a seed and path regenerate the same steps only while the
   * generators stay exactly as they were, and they grow with the model.
   */
  steps: Step[];
  comment: string;
}

/**
 * Failures found so far, replayed as explicit cases on every run (with the seed and path fast-check printed). A database
 * case that came from a race replays the same steps, not the same timing: the deterministic test of each such race
 * is next to it (see "regression:" tests below).
 */
const regressions: Regression[] = [
  {
    property: 'database',
    seed: -531879573,
    path: '12',
    steps: JSON.parse(
      '[{"kind":"issueInvoice","customer":0,"currency":"JPY","lines":[{"quantity":"0.5","unitPriceTenthsOfMinor":74760,"taxRate":"10"}],"paymentTermsDays":19},{"kind":"issueCreditNote","customer":0,"currency":"JPY","anchor":14,"source":6,"amount":{"kind":"absolute","minorUnits":20248},"taxed":true},{"kind":"issueInvoice","customer":0,"currency":"JPY","lines":[{"quantity":"3","unitPriceTenthsOfMinor":107828,"taxRate":null}],"paymentTermsDays":25},{"kind":"recordPayment","customer":1,"currency":"JPY","anchor":null,"allocation":{"kind":"oldest_due_first","amount":{"kind":"part","permille":952}}},{"kind":"applyCustomerCredit","customer":1,"invoice":1,"amount":{"kind":"part","permille":312}},{"kind":"issueInvoice","customer":1,"currency":"USD","lines":[{"quantity":"3","unitPriceTenthsOfMinor":94467,"taxRate":"10"},{"quantity":"0.5","unitPriceTenthsOfMinor":22074,"taxRate":null}],"paymentTermsDays":44},{"kind":"recordPayment","customer":1,"currency":"JPY","anchor":19,"allocation":{"kind":"oldest_due_first","amount":{"kind":"part","permille":790}}},{"kind":"refundPayment","payment":15,"amount":{"kind":"part","permille":276},"storeCredit":false},{"kind":"recordPayment","customer":1,"currency":"JPY","anchor":17,"allocation":{"kind":"explicit","picks":[{"invoice":8,"amount":{"kind":"all"}},{"invoice":5,"amount":{"kind":"over","minorUnits":83}},{"invoice":14,"amount":{"kind":"all"}}],"extra":{"kind":"all"}}},{"kind":"recordPayment","customer":1,"currency":"USD","anchor":null,"allocation":{"kind":"oldest_due_first","amount":{"kind":"part","permille":354}}},{"kind":"refundPayment","payment":10,"amount":{"kind":"over","minorUnits":48},"storeCredit":false},{"kind":"recordPayment","customer":0,"currency":"JPY","anchor":16,"allocation":{"kind":"explicit","picks":[{"invoice":0,"amount":{"kind":"all"}}],"extra":{"kind":"part","permille":272}}}]',
    ) as Step[],
    comment:
      'phantom customer credit: the payment allocator and the inline allocation raced; the loser shared the event ids of the winner and the store acknowledged its payment stream while appending its CustomerAccountCredited (fixed in allocate-payment.ts, allocationCommandIdOf)',
  },
];

/**
 * What the runs exercised, per action kind and outcome ("refundPayment:ok", "applyCreditNote:AMOUNT_EXCEEDS_BALANCE"):
 * a run that never reached a rule would pass without testing it, so the tests below also require each to be met.
 */
const inMemoryCoverage = new Map<string, number>();
const databaseCoverage = new Map<string, number>();

function count(coverage: Map<string, number>, action: Action, result: ActionResult): void {
  const key = `${action.kind}:${result.outcome === 'ok' ? 'ok' : result.code}`;
  coverage.set(key, (coverage.get(key) ?? 0) + 1);
}

/** The outcomes the in-memory run must meet at least once: every action succeeding, and every refusal the model knows. */
const requiredInMemoryOutcomes = [
  'issueInvoice:ok',
  'recordPayment:ok',
  'recordPayment:VALIDATION_FAILED',
  'recordPayment:INVOICE_NOT_OPEN',
  'refundPayment:ok',
  'refundPayment:AMOUNT_EXCEEDS_REFUNDABLE',
  'refundPayment:INSUFFICIENT_CREDIT',
  'refundPayment:PAYMENT_NOT_SUCCEEDED',
  'issueCreditNote:ok',
  'issueCreditNote:AMOUNT_EXCEEDS_CREDITABLE',
  'applyCreditNote:ok',
  'applyCreditNote:AMOUNT_EXCEEDS_REMAINING_CREDIT',
  'applyCreditNote:AMOUNT_EXCEEDS_BALANCE',
  'applyCreditNote:INVOICE_NOT_OPEN',
  'applyCreditNote:CREDIT_NOTE_NOT_OPEN',
  'applyCustomerCredit:ok',
  'applyCustomerCredit:INSUFFICIENT_CREDIT',
  'applyCustomerCredit:AMOUNT_EXCEEDS_BALANCE',
  'applyCustomerCredit:INVOICE_NOT_OPEN',
  'writeOffInvoice:ok',
  'writeOffInvoice:INVOICE_NOT_WRITABLE_OFF',
  'writeOffInvoice:INVOICE_NOT_OPEN',
  'voidInvoice:ok',
  'voidInvoice:INVOICE_HAS_PAYMENTS',
  'voidInvoice:INVOICE_NOT_OPEN',
  'voidCreditNote:ok',
  'voidCreditNote:CREDIT_NOTE_HAS_APPLICATIONS',
  'voidCreditNote:CREDIT_NOTE_NOT_OPEN',
];

/**
 * Through the database, fewer runs: the frequent successes must all have happened, and some refusal (the rarer ones,
 * a customer-credit application or a void, show up in most runs but not reliably in 25 sequences).
 */
const requiredDatabaseOutcomes = ['issueInvoice:ok', 'recordPayment:ok', 'refundPayment:ok', 'issueCreditNote:ok', 'applyCreditNote:ok', 'writeOffInvoice:ok'];

function requireCoverage(coverage: ReadonlyMap<string, number>, required: readonly string[]): void {
  const missing = required.filter((key) => (coverage.get(key) ?? 0) === 0);
  const refusals = [...coverage.entries()].filter(([key]) => !key.endsWith(':ok')).reduce((total, [, times]) => total + times, 0);
  const table = [...coverage.entries()].sort().map(([key, times]) => `${key}=${times}`).join(', ');
  if (process.env.LEDGER_PROPERTY_STATS === '1') console.log(table);
  if (missing.length > 0) throw new Error(`the runs never met ${missing.join(', ')} (met: ${table})`);
  if (refusals === 0) throw new Error(`the runs never met a refusal (met: ${table})`);
}

/** The ledger's answer matches the model's prediction; a refusal appended nothing. The model follows what succeeded. */
function compareOutcome(model: LedgerModel, action: Action, prediction: Prediction, result: ActionResult, eventsBefore: number, eventsAfter: number): void {
  if (prediction.outcome === 'ok') {
    if (result.outcome === 'refused') throw new Error(`refused with ${result.code} (${result.message}) but the model accepts it`);
    model.apply(action);
    return;
  }
  if (result.outcome === 'ok') throw new Error(`accepted but the model refuses it with ${prediction.codes.join(' or ')}`);
  if (!prediction.codes.includes(result.code)) throw new Error(`refused with ${result.code} (${result.message}), expected ${prediction.codes.join(' or ')}`);
  if (eventsAfter !== eventsBefore) throw new Error(`refused with ${result.code}, yet ${eventsAfter - eventsBefore} event(s) were appended`);
}

function withStep<Result>(stepIndex: number, action: Action, work: () => Result): Result {
  try {
    return work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`step ${stepIndex} ${JSON.stringify(action)}: ${message}`, { cause: error });
  }
}

function runInMemory(steps: readonly Step[]): void {
  const model = new LedgerModel('');
  const ledger = new InMemoryLedger();
  steps.forEach((step, stepIndex) => {
    const action = model.resolve(step);
    if (action === null) return;
    withStep(stepIndex, action, () => {
      const prediction = model.predict(action);
      const eventsBefore = ledger.log.length;
      const result = ledger.execute(action);
      count(inMemoryCoverage, action, result);
      compareOutcome(model, action, prediction, result, eventsBefore, ledger.log.length);
      checkStatesAgainstModel(ledger, model);
      checkInvoiceStreams(ledger, model);
      checkConservation(ledger.log, model);
      checkGeneralLedger(ledger.entries, ledger.log, model, FAR_FUTURE);
    });
  });
}

/**
 * One sequence through the real handlers, in a tenant of its own (USD and JPY supported). After every step the
 * stored streams are folded and checked like the in-memory ones; at the end the read models (after they caught up)
 * are compared with those folds.
 */
async function runThroughApplication(ledger: TestLedger, steps: readonly Step[]): Promise<void> {
  const tenantId = `prop-${randomUUID().slice(0, 8)}`;
  await ledger.createKey(tenantId, 'admin');
  await updateSettings(ledger, tenantId, 'payment', { supportedCurrencies: [...modelCurrencies] });
  const model = new LedgerModel('');
  const application = new ApplicationLedger(ledger, tenantId);
  let folds = new StoredFolds([]);
  try {
    await runStepsThroughApplication(application, model, steps, (next) => {
      folds = next;
    });
    await waitForReadModels(ledger);
    await checkReadModels(ledger, application, folds, model);
  } catch (error) {
    // What the application logged about this tenant (e.g. an allocation that did not run inline) explains most failures.
    const logged = ledger.logs.filter((line) => line.includes(tenantId)).slice(-20);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`tenant ${tenantId}: ${message}${logged.length === 0 ? '' : `\napplication log:\n${logged.join('\n')}`}`, { cause: error });
  }
}

async function runStepsThroughApplication(application: ApplicationLedger, model: LedgerModel, steps: readonly Step[], folded: (folds: StoredFolds) => void): Promise<void> {
  let folds: StoredFolds;
  for (const [stepIndex, step] of steps.entries()) {
    const action = model.resolve(step);
    if (action === null) continue;
    const prediction = model.predict(action);
    const started = Date.now();
    const eventsBefore = await application.moneyEventCount();
    const result = await application.execute(action);
    count(databaseCoverage, action, result);
    const eventsAfter = await application.moneyEventCount();
    folds = new StoredFolds(await application.storedEvents(), application.modelIds());
    folded(folds);
    if (process.env.LEDGER_PROPERTY_STATS === '1') console.log(`step ${stepIndex} ${action.kind} ${result.outcome} ${Date.now() - started} ms`);
    withStep(stepIndex, action, () => {
      compareOutcome(model, action, prediction, result, eventsBefore, eventsAfter);
      checkStatesAgainstModel(folds, model);
      checkInvoiceStreams(folds, model);
      checkConservation(folds.log, model);
      checkGeneralLedger(folds.entries, folds.log, model, FAR_FUTURE);
    });
  }
}

describe('ledger money model, in memory (deciders, folds and postings of libs/billing)', () => {
  it(`keeps balances, credits, refunds and the general ledger equal to the reference model over ${IN_MEMORY_RUNS} random sequences`, () => {
    fc.assert(fc.property(stepsArbitrary(SEQUENCE_LENGTH_MIN, SEQUENCE_LENGTH_MAX), runInMemory), { numRuns: IN_MEMORY_RUNS });
    requireCoverage(inMemoryCoverage, requiredInMemoryOutcomes);
  });

  for (const regression of regressions.filter((candidate) => candidate.property === 'in_memory')) {
    it(`regression seed ${regression.seed} path ${regression.path}: ${regression.comment}`, () => {
      fc.assert(fc.property(fc.constant(regression.steps), runInMemory), { numRuns: 1 });
    });
  }
});

describe('ledger money model, through the application handlers on PostgreSQL', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger();
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  for (const regression of regressions.filter((candidate) => candidate.property === 'database')) {
    it(`regression seed ${regression.seed} path ${regression.path}: ${regression.comment}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constant(regression.steps), (steps) => runThroughApplication(ledger, steps)),
        { numRuns: 1 },
      );
    });
  }

  /**
   * Found by this suite (a flaky failure of the property below: "customer cust-b credit in USD: expected 0, got
   * 322.78" after an explicit cash payment of exactly an invoice's balance). The payment allocator process manager
   * and the inline allocation of createPayment race: one reads the payment before the other's PaymentAllocated, the
   * invoices after it (already paid), and decides "all to the customer's credit". Its append should then conflict on
   * the payment stream, but every allocation of a payment uses the same command id (allocationCommandIdOf), so its
   * PaymentAllocated has the SAME event id as the one stored, and the event store acknowledges that stream as an
   * idempotent retry while appending the customer-account stream: a CustomerAccountCredited(overpayment) of the whole
   * payment that no PaymentAllocated posts (money out of nothing: the trial balance still balances, but customer
   * credit exceeds what the ledger's customer_credit account shows). This replays that interleaving deterministically
   * with the real allocatePayment, giving it a read of the payment stream taken just before the allocation committed.
   * Fixed since in allocate-payment.ts: allocationCommandIdOf now derives the ids from the revisions read and the split.
   */
  it('regression: an allocation decided on a stale read of the payment never credits the customer beside the allocation that won', async () => {
    const tenantId = `prop-${randomUUID().slice(0, 8)}`;
    await ledger.createKey(tenantId, 'admin');
    const model = new LedgerModel('');
    const application = new ApplicationLedger(ledger, tenantId);
    const run = async (step: Step): Promise<Action> => {
      const action = model.resolve(step) as Action;
      const result = await application.execute(action);
      compareOutcome(model, action, model.predict(action), result, 0, 0);
      return action;
    };
    const invoice = await run({ kind: 'issueInvoice', customer: 1, currency: 'USD', lines: [{ quantity: '1', unitPriceTenthsOfMinor: 322_780, taxRate: null }], paymentTermsDays: 30 });
    const payment = await run({
      kind: 'recordPayment',
      customer: 1,
      currency: 'USD',
      anchor: 0,
      allocation: { kind: 'explicit', picks: [{ invoice: 0, amount: { kind: 'all' } }], extra: { kind: 'all' } },
    });
    const paymentId = application.realIdOf((payment as Extract<Action, { kind: 'recordPayment' }>).paymentId) as string;
    const paymentStream = streams.payment(tenantId, paymentId);
    const stored = await ledger.services.store.readStream(paymentStream);
    const allocatedAt = stored.find((event) => event.type === 'PaymentAllocated');
    if (allocatedAt === undefined) throw new Error(`payment ${paymentId} of invoice ${invoice.kind} was not allocated inline`);
    // The same store, except that reads of the payment stream stop before its allocation (a read taken a moment earlier).
    const staleStore = new Proxy(ledger.services.store, {
      get(target, property, receiver) {
        if (property === 'readStream') {
          return async (streamId: string, options?: Parameters<EventStore['readStream']>[1]) => {
            const events = await target.readStream(streamId, options);
            return streamId === paymentStream ? events.filter((event) => event.revision < allocatedAt.revision) : events;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await allocatePayment({ store: staleStore, clock: ledger.services.clock, db: ledger.services.db }, tenantId, paymentId, {
      actor: 'test:property',
      correlationId: paymentId,
      causationId: paymentId,
    }).catch((error: unknown) => {
      // Refusing (a conflict that outlived the retries, a domain error) is fine; appending is what must not happen.
      if (!(error instanceof WrongExpectedVersionError) && !isDomainError(error)) throw error;
    });
    const folds = new StoredFolds(await application.storedEvents(), application.modelIds());
    checkStatesAgainstModel(folds, model);
    checkConservation(folds.log, model);
    checkGeneralLedger(folds.entries, folds.log, model, FAR_FUTURE);
  });

  it(`keeps the stored streams and the invoices, credit notes, customer balances and general ledger read models equal to the model over ${DATABASE_RUNS} sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(stepsArbitrary(DATABASE_SEQUENCE_LENGTH_MIN, DATABASE_SEQUENCE_LENGTH_MAX), (steps) => runThroughApplication(ledger, steps)),
      // No shrinking against the database (each try is a new tenant and seconds of work): the seed and path replay it.
      { numRuns: DATABASE_RUNS, endOnFailure: true },
    );
    requireCoverage(databaseCoverage, requiredDatabaseOutcomes);
  }, 170_000);
});
