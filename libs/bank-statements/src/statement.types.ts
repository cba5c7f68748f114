import type { CsvMapping } from './csv-mapping.js';

export const statementFormats = ['csv', 'camt053', 'ofx'] as const;
export type StatementFormat = (typeof statementFormats)[number];

export interface ParseStatementInput {
  readonly format: StatementFormat;
  /** The file as text (the caller decodes bytes; a UTF-8 byte order mark is ignored). */
  readonly content: string;
  /** Required for CSV; ignored otherwise. */
  readonly csvMapping?: CsvMapping;
  /** The bank account's currency (ISO 4217): every amount of the file must be in it. */
  readonly currency: string;
  /**
   * CSV: the statement's balances (CSV has no standard place for them); without them they come from the balance
   * column. camt.053 and OFX: optional, and when given they must equal the file's.
   */
  readonly openingBalance?: string | null;
  readonly closingBalance?: string | null;
}

/** One statement line. Amounts are signed (positive = money in) and fixed to the currency's minor unit. */
export interface ParsedLine {
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly amount: string;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly description: string | null;
  readonly bankTransactionId: string | null;
  /** 1-based line of the file where the line (the camt entry, the OFX STMTTRN, the CSV row) starts. */
  readonly sourceLine: number;
}

export interface ParsedStatement {
  /** The statement's own id (camt Stmt/Id), null when the format has none (OFX, CSV). */
  readonly statementRef: string | null;
  readonly currency: string;
  readonly openingBalance: string;
  readonly closingBalance: string;
  readonly fromDate: string;
  readonly toDate: string;
  /** The account named in the file (IBAN or account id), for a mismatch warning; null when the file names none. */
  readonly accountRef: string | null;
  readonly lines: readonly ParsedLine[];
}

export type { CsvMapping };
