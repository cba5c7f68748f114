import type { DomainCommand } from '../common/command.js';

export const documentKinds = ['invoice', 'receipt', 'credit_note'] as const;
export type DocumentKind = (typeof documentKinds)[number];

/**
 * Takes the next number of a gapless sequence for one document. The stream is one per tenant, document kind and
 * period key (see `sequencePeriodKey`); the application derives year and month from the document's date in the
 * tenant's time zone and appends the number together with the document's own event.
 */
export type AssignDocumentNumber = DomainCommand<
  'AssignDocumentNumber',
  {
    documentKind: DocumentKind;
    documentId: string;
    /** From the tenant's settings, e.g. "{prefix}-{year}-{sequence:06d}". */
    template: string;
    prefix: string;
    year: number;
    /** 1..12. */
    month: number;
  }
>;

/**
 * Records the runs of a sequence whose last event predates them (a version 1 DocumentNumberAssigned), so that it is
 * read by its last event from then on. Nothing when the last event already carries them.
 */
export type SummariseNumberSequence = DomainCommand<'SummariseNumberSequence', { documentKind: DocumentKind; periodKey: string }>;

export type NumberSequenceCommand = AssignDocumentNumber | SummariseNumberSequence;
