/**
 * P3's history: a deterministic mixed history written through the real application handlers (called in-process
 * with the API's ApplicationServices, as the resolvers call them), with the API's projections and process managers
 * running, so receipts and read models come about as in production.
 *
 * Each "story" is one invoice's life, its ids and instants derived from the story's number: drafted with 1 to 4
 * lines, issued (a gapless number), then by number: paid in full, paid in part and partly refunded, credited by a
 * credit note applied to it, written off, voided, overpaid (customer credit) or left open. Every 40th story changes
 * a settings section, every 25th records an exchange rate. Stories run on a few concurrent workers, each its own
 * customers, so the log interleaves as a busy tenant's does.
 */
import Big from 'big.js';
import { isDomainError } from '../../libs/billing/src/index.js';
import { uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import {
  applyCreditNote,
  createCreditNote,
  createInvoice,
  createPayment,
  issueCreditNote,
  issueInvoice,
  recordExchangeRate,
  refundPayment,
  updateBillingSettingsSection,
  voidInvoice,
  writeOffInvoice,
  type ApplicationServices,
} from '../../libs/ledger-application/src/index.js';

const BASE_TIME = Date.parse('2026-01-05T08:00:00.000Z');
const WORKERS = 4;
const STORIES_PER_CHECK = 40;

export interface SeedOutcome {
  readonly stories: number;
  readonly commands: number;
  readonly refusals: number;
  readonly refusalCodes: Record<string, number>;
}

/** Money for the seed: decimal strings through big.js, never floats. */
function cents(value: number): string {
  return new Big(value).div(100).toFixed(2);
}

export async function seedHistory(services: ApplicationServices, tenantId: string, targetEvents: number, countEvents: () => Promise<number>, progress: (line: string) => void): Promise<SeedOutcome> {
  let commands = 0;
  let refusals = 0;
  const refusalCodes: Record<string, number> = {};
  const context = (story: number, step: number): CommandContext => {
    const commandId = uuidV5(`bench-p3:${tenantId}:${story}:${step}`);
    return { tenantId, actor: 'api-key:bench', actorName: 'bench', commandId, correlationId: commandId, causationId: commandId, now: new Date(BASE_TIME + story * 60_000 + step * 1_000).toISOString() };
  };
  /** One command; a domain refusal is counted and the story goes on (a real tenant meets refusals too). */
  const run = async <Result>(command: () => Promise<Result>): Promise<Result | undefined> => {
    commands += 1;
    try {
      return await command();
    } catch (error) {
      if (!isDomainError(error)) throw error;
      refusals += 1;
      refusalCodes[error.code] = (refusalCodes[error.code] ?? 0) + 1;
      return undefined;
    }
  };

  // EUR beside USD, so invoices lock an exchange rate at issue; and a first EUR -> USD rate before any invoice.
  await run(() => updateBillingSettingsSection(services, context(-1, 0), 'payment', (current) => ({ ...current.payment, supportedCurrencies: ['USD', 'EUR'] })));
  await run(() => recordExchangeRate(services, context(-1, 1), { base: 'EUR', quote: 'USD', rate: '1.0850', effectiveAt: new Date(BASE_TIME - 86_400_000).toISOString(), source: 'bench' }));

  const story = async (index: number): Promise<void> => {
    const customerId = `customer-${index % 400}`;
    const currency = index % 5 === 4 ? 'EUR' : 'USD';
    if (index % 40 === 39) {
      await run(() => updateBillingSettingsSection(services, context(index, 20), 'invoice', (current) => ({ ...current.invoice, footer: `Thank you for your business (${index})` })));
    }
    if (index % 25 === 24) {
      const rate = new Big('1.0800').plus(new Big(index % 97).div(10_000)).toFixed(4);
      await run(() => recordExchangeRate(services, context(index, 21), { base: 'EUR', quote: 'USD', rate, effectiveAt: context(index, 21).now, source: 'bench' }));
    }
    const lines = Array.from({ length: 1 + (index % 4) }, (_, line) => ({
      description: `${['Consulting', 'Licence', 'Support plan', 'Training'][line] ?? 'Service'} for story ${index}`,
      quantity: `${1 + ((index + line) % 5)}`,
      unitPrice: cents(5_000 + ((index * 7_919 + line * 104_729) % 95_000)),
      taxRate: line % 2 === 0 ? '20' : '7.5',
    }));
    const draft = await run(() => createInvoice(services, context(index, 0), { customerId, currency, lines }));
    if (!draft) return;
    const invoiceId = draft.state.invoiceId as string;
    const issued = await run(() => issueInvoice(services, context(index, 1), { invoiceId }));
    if (!issued) return;
    const total = issued.state.total;
    const pay = (step: number, amount: string) =>
      run(() =>
        createPayment(services, context(index, step), {
          customerId,
          amount,
          currency,
          method: index % 3 === 0 ? 'cash' : 'wire_transfer',
          reference: `BENCH-${index}-${step}`,
          allocations: [{ invoiceId, amount: Big(amount).gt(total) ? total : amount }],
        }),
      );
    switch (index % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        await pay(2, total);
        return;
      case 4: {
        const payment = await pay(2, new Big(total).div(2).round(2, Big.roundDown).toFixed(2));
        const paymentId = payment?.state.paymentId;
        if (paymentId) await run(() => refundPayment(services, context(index, 3), { paymentId, amount: new Big(total).div(10).round(2, Big.roundDown).toFixed(2), method: 'original_payment', reason: 'Partial service credit' }));
        return;
      }
      case 5: {
        const note = await run(() =>
          createCreditNote(services, context(index, 2), {
            customerId,
            currency,
            type: 'adjustment',
            reason: 'billing_error',
            lines: [{ description: 'Correction', quantity: '1', unitPrice: '10.00', taxRate: '20' }],
            sourceInvoiceId: invoiceId,
          }),
        );
        const creditNoteId = note?.state.creditNoteId;
        if (!creditNoteId) return;
        await run(() => issueCreditNote(services, context(index, 3), { creditNoteId }));
        await run(() => applyCreditNote(services, context(index, 4), { creditNoteId, applicationType: 'invoice', invoiceId, amount: '12.00' }));
        return;
      }
      case 6:
        await run(() => writeOffInvoice(services, context(index, 2), { invoiceId, reason: 'Uncollectable' }));
        return;
      case 7:
        await run(() => voidInvoice(services, context(index, 2), { invoiceId, reason: 'Issued in error' }));
        return;
      case 8:
        // Overpaid: the excess becomes customer credit (an overpayment on the customer account).
        await run(() =>
          createPayment(services, context(index, 2), {
            customerId,
            amount: new Big(total).plus('25.00').toFixed(2),
            currency,
            method: 'check',
            reference: `BENCH-${index}-2`,
            allocations: [{ invoiceId, amount: total }],
          }),
        );
        return;
      default:
        return; // left open
    }
  };

  let next = 0;
  for (;;) {
    const first = next;
    next += STORIES_PER_CHECK;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let index = first + worker; index < next; index += WORKERS) await story(index);
      }),
    );
    const events = await countEvents();
    if (next % (STORIES_PER_CHECK * 25) === 0 || events >= targetEvents) progress(`P3 seed: ${next} stories, ${commands} commands, ${events} events (target ${targetEvents})`);
    if (events >= targetEvents) return { stories: next, commands, refusals, refusalCodes };
  }
}
