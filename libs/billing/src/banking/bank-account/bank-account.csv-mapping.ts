import { z } from 'zod';

/**
 * How a bank's CSV export is read (docs/banking.md, "CSV mapping"), saved per bank account. Column names are header
 * names when `hasHeader`, else 1-based column numbers as strings ("1"). The amount is either one signed `amount`
 * column or a `debit` and a `credit` column, never both and never neither. The parser (libs/bank-statements)
 * reads files with this same schema (libs/bank-statements/src/csv-mapping.ts re-exports it).
 */
export const csvDelimiters = [',', ';', '\t', '|'] as const;
export const csvDateFormats = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYYMMDD'] as const;
export const csvDecimalSeparators = ['.', ','] as const;

export const csvColumnNameLengthMax = 100;

const columnName = z.string().min(1, 'must not be empty').max(csvColumnNameLengthMax, `must be at most ${csvColumnNameLengthMax} characters`);

export const csvColumnsSchema = z
  .object({
    bookingDate: columnName,
    valueDate: columnName.optional(),
    amount: columnName.optional(),
    debit: columnName.optional(),
    credit: columnName.optional(),
    reference: columnName.optional(),
    counterparty: columnName.optional(),
    description: columnName.optional(),
    transactionId: columnName.optional(),
    balance: columnName.optional(),
  })
  .strict()
  .superRefine((columns, context) => {
    const split = columns.debit !== undefined || columns.credit !== undefined;
    if (columns.amount !== undefined && split) {
      context.addIssue({ code: 'custom', path: ['amount'], message: 'give either an amount column or debit and credit columns, not both' });
    } else if (columns.amount === undefined && (columns.debit === undefined || columns.credit === undefined)) {
      context.addIssue({ code: 'custom', path: ['amount'], message: 'give an amount column, or both a debit and a credit column' });
    }
  });

export const csvMappingSchema = z
  .object({
    delimiter: z.enum(csvDelimiters),
    hasHeader: z.boolean(),
    dateFormat: z.enum(csvDateFormats),
    decimalSeparator: z.enum(csvDecimalSeparators),
    columns: csvColumnsSchema,
  })
  .strict()
  .refine((mapping) => mapping.delimiter !== mapping.decimalSeparator, { path: ['decimalSeparator'], message: 'must differ from the delimiter' });

export type CsvMapping = z.infer<typeof csvMappingSchema>;
export type CsvColumns = CsvMapping['columns'];
