import { receiptEventTypes } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { aggregates, tenantOfStream } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createReceiptTables } from './receipts.tables.js';
import { insertRows, type Row } from '../common/batch-rows.js';

/** The `receipts` read model: every issued receipt. Rows come from the events only, so a rebuild gives the same rows. */
export const receiptsProjection: Projection = {
  name: 'receipts',
  version: 1,
  eventTypes: receiptEventTypes,
  tables: ['receipts'],
  createTables: createReceiptTables,
  applyBatch: applyReceiptBatch,
};

/** The registry's parser of the aggregate's stored events (libs/application/src/aggregates.ts). */
export const parseReceiptRecordedEvent = aggregates.receipt.parse;

/** A receipt never changes: the batch's receipts are one multi-row INSERT (an id seen before fails it, as before). */
async function applyReceiptBatch(context: ProjectionContext, events: readonly RecordedEvent[]): Promise<void> {
  const rows: Row[] = [];
  for (const recorded of events) {
    const tenantId = tenantOfStream(recorded.streamId);
    const event = parseReceiptRecordedEvent(recorded);
    switch (event.type) {
      case 'ReceiptIssued': {
        const { data } = event;
        rows.push({
          tenant_id: tenantId,
          receipt_id: data.receiptId,
          number: data.number,
          payment_id: data.paymentId,
          customer_id: data.payer.customerId,
          amount: data.amount,
          currency: data.currency,
          issued_at: data.issuedAt,
          issue_date: data.issueDate,
          document: data,
        });
        break;
      }
      default:
        assertNever(event.type, 'receipt event');
    }
  }
  await insertRows(context, 'receipts', rows);
}
