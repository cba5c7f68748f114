import { assignedNumber, decideInvoice, decideNumberSequence, evolveInvoice, evolveNumberSequence, initialNumberSequenceState, numberSequenceEventSchemas, sequencePeriodKey, type NumberSequenceEvent } from '../../../../../libs/billing/src/index.js';
import { executeWithRetry, loadStream, streams, toEventData, type CommandContext } from '../../../../../libs/application/src/index.js';
import type { RecordedEvent } from '../../../../../libs/event-store/src/index.js';
import type { LedgerServices } from '../../ledger-services.js';
import type { InvoicePayloadType, IssueInvoiceInput } from '../invoice.types.js';
import { invoicePayload, loadInvoice } from './invoice-command.support.js';

export const INVOICE_NUMBER_TEMPLATE = '{prefix}-{year}-{sequence:06d}';
export const INVOICE_NUMBER_PREFIX = 'INV';

const sequenceFolder = { evolve: evolveNumberSequence, initialState: initialNumberSequenceState };
const parseSequenceEvent = (recorded: RecordedEvent) =>
  ({ type: recorded.type, data: numberSequenceEventSchemas.DocumentNumberAssigned.data.parse(recorded.data) }) as NumberSequenceEvent;

/**
 * Issuing takes the next gapless number and freezes the invoice in ONE atomic two-stream append (sequence stream +
 * invoice stream): a number is never taken without its invoice, nor given twice. Racing issues retry.
 */
export function issueInvoice(services: LedgerServices, context: CommandContext, input: IssueInvoiceInput): Promise<InvoicePayloadType> {
  return executeWithRetry(services.store, async () => {
    const invoice = await loadInvoice(services, context, input.invoiceId);
    if (invoice.alreadyAppliedAt) return { appends: [], result: () => invoicePayload(services, invoice.state, invoice.alreadyAppliedAt) };
    const issueDate = context.now.slice(0, 10);
    // Check every invoice rule first, so that an invalid issue never touches the sequence.
    decideInvoice({ type: 'IssueInvoice', data: { invoiceId: input.invoiceId, number: 'provisional', issueDate }, metadata: { now: context.now } }, invoice.state);
    const year = Number(issueDate.slice(0, 4));
    const month = Number(issueDate.slice(5, 7));
    const sequenceStream = streams.numberSequence(context.tenantId, 'invoice', sequencePeriodKey(INVOICE_NUMBER_TEMPLATE, { year, month }));
    const sequence = await loadStream(services.store, sequenceStream, sequenceFolder, parseSequenceEvent);
    const sequenceEvents = decideNumberSequence(
      { type: 'AssignDocumentNumber', data: { documentKind: 'invoice', documentId: input.invoiceId, template: INVOICE_NUMBER_TEMPLATE, prefix: INVOICE_NUMBER_PREFIX, year, month }, metadata: { now: context.now } },
      sequence.state,
    );
    const number = assignedNumber(sequenceEvents.reduce(evolveNumberSequence, sequence.state), input.invoiceId) as string;
    const invoiceEvents = decideInvoice({ type: 'IssueInvoice', data: { invoiceId: input.invoiceId, number, issueDate }, metadata: { now: context.now } }, invoice.state);
    const invoiceStream = streams.invoice(context.tenantId, input.invoiceId);
    return {
      appends: [
        { streamId: sequenceStream, expectedRevision: sequence.expectedRevision, events: sequenceEvents.map((event, index) => toEventData(event, context, sequenceStream, index)) },
        { streamId: invoiceStream, expectedRevision: invoice.expectedRevision, events: invoiceEvents.map((event, index) => toEventData(event, context, invoiceStream, index)) },
      ],
      result: (position) => invoicePayload(services, invoiceEvents.reduce(evolveInvoice, invoice.state), position ?? invoice.lastPosition),
    };
  });
}
