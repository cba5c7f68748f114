import { decideInvoice, evolveInvoice, initialInvoiceState, type InvoiceCommand, type InvoiceState } from '../../libs/billing/src/index.js';
import { streams, toEventData, uuidV5, type CommandContext } from '../../libs/application/src/index.js';
import type { AppendRequest, EventStore } from '../../libs/event-store/src/index.js';

/**
 * Writes a realistic history through the real deciders: invoices drafted with lines, issued, partly or fully paid
 * (some overpaid, so customer credit appears), some voided. Deterministic for a given seed.
 */
export async function seedInvoiceHistory(store: EventStore, tenantId: string, invoiceCount: number, seed = 'seed'): Promise<number> {
  let events = 0;
  const batch: AppendRequest[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.appendToStreams(batch.splice(0));
  };
  for (let index = 0; index < invoiceCount; index += 1) {
    const invoiceId = uuidV5(`${seed}:${tenantId}:invoice:${index}`);
    const streamId = streams.invoice(tenantId, invoiceId);
    const now = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
    const context: CommandContext = { tenantId, actor: 'seed', commandId: uuidV5(`${seed}:${index}`), correlationId: 'seed', causationId: 'seed', now };
    const commands: InvoiceCommand[] = [
      {
        type: 'CreateInvoice',
        data: {
          invoiceId,
          customerId: `customer-${index % 17}`,
          currency: index % 5 === 0 ? 'EUR' : 'USD',
          lines: [
            { lineId: `${invoiceId}-1`, description: 'Fibre 1 Gbit/s', quantity: '1', unitPrice: '49.99', taxRate: '20' },
            { lineId: `${invoiceId}-2`, description: 'Static IP', quantity: String(1 + (index % 3)), unitPrice: '5.00', taxRate: '20' },
          ],
        },
        metadata: { now },
      },
    ];
    if (index % 7 !== 6) commands.push({ type: 'IssueInvoice', data: { invoiceId, number: `INV-${seed.toUpperCase()}-${String(index + 1).padStart(6, '0')}`, issueDate: now.slice(0, 10) }, metadata: { now } });
    if (index % 7 === 3) commands.push({ type: 'VoidInvoice', data: { invoiceId, reason: 'issued in error' }, metadata: { now } });
    else if (index % 7 !== 6) {
      const currency = index % 5 === 0 ? 'EUR' : 'USD';
      commands.push({ type: 'RecordInvoicePayment', data: { invoiceId, paymentId: `${invoiceId}-p1`, amount: '30.00', currency, method: 'card', reference: `ch_${index}_1` }, metadata: { now } });
      if (index % 2 === 0) commands.push({ type: 'RecordInvoicePayment', data: { invoiceId, paymentId: `${invoiceId}-p2`, amount: '80.00', currency, method: 'bank_account', reference: `ch_${index}_2` }, metadata: { now } });
    }
    let state: InvoiceState = initialInvoiceState;
    const produced = [];
    for (const command of commands) {
      const decided = decideInvoice(command, state);
      state = decided.reduce(evolveInvoice, state);
      produced.push(...decided);
    }
    batch.push({ streamId, expectedRevision: 'no_stream', events: produced.map((event, position) => toEventData(event, context, streamId, position)) });
    events += produced.length;
    if (batch.length >= 50) await flush();
  }
  await flush();
  return events;
}
