import { csvDateFormats, csvDecimalSeparators, csvDelimiters } from '../../billing/src/banking/bank-account/bank-account.csv-mapping.js';

/**
 * How a bank's CSV export is read, saved per bank account (docs/bank-statements.md). The domain owns the shape: it
 * guards the BankAccountCsvMappingSaved event, and the parser reads a file with the mapping the event saved, so both
 * take it from one place. Column names are header names when `hasHeader`, else 1-based column numbers as strings ("1");
 * the amount is one signed `amount` column or a `debit` and a `credit` column, never both and never neither.
 */
export {
  csvColumnNameLengthMax,
  csvColumnsSchema,
  csvDateFormats,
  csvDecimalSeparators,
  csvDelimiters,
  csvMappingSchema,
  type CsvColumns,
  type CsvMapping,
} from '../../billing/src/banking/bank-account/bank-account.csv-mapping.js';

export type CsvDelimiter = (typeof csvDelimiters)[number];
export type CsvDateFormat = (typeof csvDateFormats)[number];
export type CsvDecimalSeparator = (typeof csvDecimalSeparators)[number];
