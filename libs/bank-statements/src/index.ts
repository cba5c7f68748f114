export { parseStatement, sniffStatementFormat } from './parse-statement.js';
export { type KeyedLine, lineKeys } from './line-keys.js';
export { STATEMENT_ISSUES_LISTED_MAX, StatementParseError, type StatementIssue } from './statement-parse-error.js';
export {
  type CsvColumns,
  type CsvDateFormat,
  type CsvDecimalSeparator,
  type CsvDelimiter,
  type CsvMapping,
  csvColumnsSchema,
  csvDateFormats,
  csvDecimalSeparators,
  csvDelimiters,
  csvMappingSchema,
} from './csv-mapping.js';
export { type ParseStatementInput, type ParsedLine, type ParsedStatement, type StatementFormat, statementFormats } from './statement.types.js';
export { statementLimits } from './statement-values.js';
