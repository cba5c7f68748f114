import { receiptEventSchemas, receiptEventTypes, type ReceiptEvent } from '../../libs/billing/src/index.js';
import { assertNever } from '../../libs/billing/src/common/assert-never.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { tenantOfStream, recordedEventParser } from '../../libs/application/src/index.js';
import type { Projection, ProjectionContext } from '../../libs/projection-runtime/src/index.js';
import { createReceiptTables } from './receipts.tables.js';

/** The `receipts` read model: every issued receipt. Rows come from the events only, so a rebuild gives the same rows. */
export const receiptsProjection: Projection = {
  name: 'receipts',
  version: 1,
  eventTypes: receiptEventTypes,
  tables: ['receipts'],
  createTables: createReceiptTables,
  apply: applyReceiptEvent,
};

export const parseReceiptRecordedEvent = recordedEventParser<ReceiptEvent>(receiptEventSchemas, 'receipt');

async function applyReceiptEvent({ trx, schema }: ProjectionContext, recorded: RecordedEvent): Promise<void> {
  const tenantId = tenantOfStream(recorded.streamId);
  const event = parseReceiptRecordedEvent(recorded);
  switch (event.type) {
    case 'ReceiptIssued': {
      const { data } = event;
      await trx
        .withSchema(schema)
        .insertInto('receipts')
        .values({
          tenant_id: tenantId,
          receipt_id: data.receiptId,
          number: data.number,
          payment_id: data.paymentId,
          customer_id: data.payer.customerId,
          amount: data.amount,
          currency: data.currency,
          issued_at: data.issuedAt,
          issue_date: data.issueDate,
          document: JSON.stringify(data),
        })
        .execute();
      return;
    }
    default:
      assertNever(event.type, 'receipt event');
  }
}
