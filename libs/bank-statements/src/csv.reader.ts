import Big from 'big.js';
import { type CsvColumns, type CsvDateFormat, type CsvMapping, csvMappingSchema } from './csv-mapping.js';
import type { StatementIssues } from './statement-parse-error.js';
import type { DraftBalance, DraftLine, StatementDraft } from './statement-draft.js';
import { boundedText, readAmount, readCalendarDate, statementLimits } from './statement-values.js';

/** One CSV record with the 1-based line where it starts. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits CSV text into records (RFC 4180: fields may be quoted, a quote inside quotes is doubled, quoted fields may
 * hold the delimiter and line breaks; records end with CRLF, LF or CR). Written here rather than taken from a
 * package so that every record knows the exact line it starts on, which is what a refusal has to name. Records
 * whose fields are all blank (empty lines, ";;;") are skipped.
 */
export function splitCsv(content: string, delimiter: string, issues: StatementIssues): CsvRecord[] {
  const records: CsvRecord[] = [];
  const separator = delimiter.charCodeAt(0);
  const length = content.length;
  let line = 1;
  let position = 0;
  while (position < length) {
    const startLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let field: string;
      if (content.charCodeAt(position) === QUOTE) {
        const openedAt = line;
        let value = '';
        let from = position + 1;
        for (;;) {
          const quote = content.indexOf('"', from);
          if (quote === -1) issues.fail(openedAt, 'a quoted field opened on this line is never closed');
          const chunk = content.slice(from, quote);
          line += countLineBreaks(chunk);
          value += chunk;
          if (content.charCodeAt(quote + 1) === QUOTE) {
            value += '"';
            from = quote + 2;
            continue;
          }
          position = quote + 1;
          break;
        }
        const next = content.charCodeAt(position);
        if (position < length && next !== separator && next !== CR && next !== LF) {
          issues.fail(line, `unexpected text after a closing quote: ${JSON.stringify(content.slice(position, position + 20))}`);
        }
        field = value;
      } else {
        let end = position;
        while (end < length) {
          const code = content.charCodeAt(end);
          if (code === separator || code === CR || code === LF) break;
          end += 1;
        }
        field = content.slice(position, end);
        position = end;
      }
      fields.push(field);
      const code = content.charCodeAt(position);
      if (position >= length) {
        endOfRecord = true;
      } else if (code === separator) {
        position += 1;
      } else {
        position += code === CR && content.charCodeAt(position + 1) === LF ? 2 : 1;
        line += 1;
        endOfRecord = true;
      }
    }
    if (fields.some((field) => field.trim() !== '')) records.push({ fields, line: startLine });
  }
  return records;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === LF) count += 1;
    else if (code === CR && text.charCodeAt(index + 1) !== LF) count += 1;
  }
  return count;
}

export interface CsvReadOptions {
  readonly mapping: unknown;
  readonly currency: string;
  readonly minorUnit: number;
  readonly openingBalance?: string | null;
  readonly closingBalance?: string | null;
}

type ColumnKey = keyof CsvColumns;
type ColumnIndexes = Partial<Record<ColumnKey, number>>;

/**
 * Reads a CSV statement with the bank account's mapping. Amounts use the mapping's decimal separator, with the
 * other one accepted as a thousands separator ("1.250,00"); a debit column makes the amount negative. Balances come
 * from the caller, else from the balance column (the running balance after each row; newest-first files are
 * recognised by their dates). Every row must have the header's number of columns.
 */
export function readCsv(content: string, options: CsvReadOptions, issues: StatementIssues): StatementDraft {
  if (options.mapping === undefined || options.mapping === null) issues.fail(null, "a CSV statement needs the bank account's CSV mapping");
  const parsedMapping = csvMappingSchema.safeParse(options.mapping);
  if (!parsedMapping.success) {
    for (const problem of parsedMapping.error.issues) issues.add(null, `csvMapping.${problem.path.map(String).join('.')}: ${problem.message}`);
    issues.throwIfAny();
  }
  const mapping: CsvMapping = parsedMapping.data as CsvMapping;
  const records = splitCsv(content, mapping.delimiter, issues);
  const header = mapping.hasHeader ? records[0] : undefined;
  const rows = mapping.hasHeader ? records.slice(1) : records;
  const first = rows[0];
  if (first === undefined) issues.fail(null, 'the CSV file has no statement rows');
  if (rows.length > statementLimits.linesMax) {
    issues.fail(null, `the file has ${rows.length} statement lines; at most ${statementLimits.linesMax} are accepted in one import`);
  }
  const columnCount = header?.fields.length ?? first.fields.length;
  const indexes = resolveColumns(mapping.columns, header, columnCount, issues);
  issues.throwIfAny();

  const lines: DraftLine[] = [];
  const balances: (Big | null)[] = [];
  const needsBalanceColumn = options.openingBalance == null || options.closingBalance == null;
  for (const row of rows) {
    if (row.fields.length !== columnCount) {
      issues.add(row.line, `the row has ${row.fields.length} columns; ${header === undefined ? 'the first row' : 'the header'} has ${columnCount}`);
      continue;
    }
    const read = readRow(row, indexes, mapping, options, issues);
    if (read !== null) lines.push(read);
    if (needsBalanceColumn && indexes.balance !== undefined) {
      // Only the first and last balances are used; an empty one elsewhere is no problem.
      const text = cell(row, indexes.balance);
      balances.push(text.trim() === '' ? null : readCsvAmount(text, 'balance', mapping, options, issues, row.line));
    }
  }
  issues.throwIfAny();

  const { opening, closing } = resolveBalances(lines, balances, options, issues);
  return { statementRef: null, accountRef: null, opening, closing, fromDate: null, toDate: null, lines };
}

function resolveColumns(columns: CsvColumns, header: CsvRecord | undefined, columnCount: number, issues: StatementIssues): ColumnIndexes {
  const indexes: ColumnIndexes = {};
  const names = header?.fields.map((name) => name.trim());
  for (const [key, name] of Object.entries(columns) as [ColumnKey, string | undefined][]) {
    if (name === undefined) continue;
    if (names !== undefined && header !== undefined) {
      const matches = names.flatMap((candidate, index) => (candidate === name ? [index] : []));
      const found = matches.length > 0 ? matches : names.flatMap((candidate, index) => (candidate.toLowerCase() === name.toLowerCase() ? [index] : []));
      if (found.length === 0) {
        issues.add(header.line, `the mapping's ${key} column ${JSON.stringify(name)} is not in the header (${names.map((candidate) => JSON.stringify(candidate)).join(', ')})`);
      } else if (found.length > 1) {
        issues.add(header.line, `the mapping's ${key} column ${JSON.stringify(name)} appears ${found.length} times in the header`);
      } else {
        indexes[key] = found[0] as number;
      }
    } else if (!/^[1-9]\d{0,3}$/.test(name)) {
      issues.add(null, `the mapping's ${key} column ${JSON.stringify(name)} must be a column number ("1" is the first) because the file has no header`);
    } else if (Number(name) > columnCount) {
      issues.add(null, `the mapping's ${key} column ${name} does not exist: the rows have ${columnCount} columns`);
    } else {
      indexes[key] = Number(name) - 1;
    }
  }
  return indexes;
}

function readRow(row: CsvRecord, indexes: ColumnIndexes, mapping: CsvMapping, options: CsvReadOptions, issues: StatementIssues): DraftLine | null {
  const line = row.line;
  const bookingDate = readCsvDate(cell(row, indexes.bookingDate), mapping.dateFormat, 'booking date', issues, line);
  const rawValueDate = cell(row, indexes.valueDate).trim();
  const valueDate = rawValueDate === '' ? bookingDate : readCsvDate(rawValueDate, mapping.dateFormat, 'value date', issues, line);
  let amount: Big | null;
  if (indexes.amount !== undefined) {
    amount = readCsvAmount(cell(row, indexes.amount), 'amount', mapping, options, issues, line);
  } else {
    amount = readDebitCredit(row, indexes, mapping, options, issues);
  }
  const text = (key: ColumnKey, field: string, lengthMax: number = statementLimits.lineTextLengthMax): string | null =>
    indexes[key] === undefined ? null : boundedText(cell(row, indexes[key]), field, lengthMax, issues, line);
  const reference = text('reference', 'reference');
  const counterparty = text('counterparty', 'counterparty');
  const description = text('description', 'description');
  const bankTransactionId = text('transactionId', 'transaction id', statementLimits.bankTransactionIdLengthMax);
  if (bookingDate === null || valueDate === null || amount === null) return null;
  return { sourceLine: line, bookingDate, valueDate, amount, reference, counterparty, description, bankTransactionId };
}

/** Debit and credit columns: exactly one of them holds a non-zero amount; a debit is money out (negative). */
function readDebitCredit(row: CsvRecord, indexes: ColumnIndexes, mapping: CsvMapping, options: CsvReadOptions, issues: StatementIssues): Big | null {
  const debitText = cell(row, indexes.debit).trim();
  const creditText = cell(row, indexes.credit).trim();
  if (debitText === '' && creditText === '') {
    issues.add(row.line, 'the row has no amount: both the debit and the credit column are empty');
    return null;
  }
  const debit = debitText === '' ? new Big(0) : readCsvAmount(debitText, 'debit', mapping, options, issues, row.line);
  const credit = creditText === '' ? new Big(0) : readCsvAmount(creditText, 'credit', mapping, options, issues, row.line);
  if (debit === null || credit === null) return null;
  if (!debit.eq(0) && !credit.eq(0)) {
    issues.add(row.line, `the row has both a debit (${debitText}) and a credit (${creditText})`);
    return null;
  }
  return credit.abs().minus(debit.abs());
}

function cell(row: CsvRecord, index: number | undefined): string {
  return index === undefined ? '' : (row.fields[index] ?? '');
}

/**
 * A CSV amount with the mapping's decimal separator; the other separator may group thousands (1.250,00 or
 * 1,250.00) but only in groups of three. A leading "+" is dropped. Anything else ("1.5" when the separator is ",",
 * "1e5", "12 EUR") is refused with the row's line.
 */
function readCsvAmount(text: string, field: string, mapping: CsvMapping, options: CsvReadOptions, issues: StatementIssues, line: number): Big | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    issues.add(line, `${field} is empty`);
    return null;
  }
  const unsigned = trimmed.startsWith('+') ? trimmed.slice(1) : trimmed;
  const comma = mapping.decimalSeparator === ',';
  const pattern = comma ? /^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/ : /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;
  if (!pattern.test(unsigned)) {
    const hint = /\d[eE][+-]?\d/.test(unsigned) ? ': exponents are not accepted' : '';
    issues.add(line, `${field} ${JSON.stringify(trimmed.slice(0, 40))} is not an amount written with "${mapping.decimalSeparator}" as the decimal separator${hint}`);
    return null;
  }
  const plain = comma ? unsigned.replace(/\./g, '').replace(',', '.') : unsigned.replace(/,/g, '');
  return readAmount(plain, field, options.minorUnit, options.currency, issues, line);
}

const datePatterns: Readonly<Record<CsvDateFormat, { pattern: RegExp; order: readonly ['y' | 'm' | 'd', 'y' | 'm' | 'd', 'y' | 'm' | 'd'] }>> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, order: ['y', 'm', 'd'] },
  'DD/MM/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['d', 'm', 'y'] },
  'MM/DD/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['m', 'd', 'y'] },
  'DD.MM.YYYY': { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: ['d', 'm', 'y'] },
  YYYYMMDD: { pattern: /^(\d{4})(\d{2})(\d{2})$/, order: ['y', 'm', 'd'] },
};

function readCsvDate(text: string, format: CsvDateFormat, field: string, issues: StatementIssues, line: number): string | null {
  const trimmed = text.trim();
  const { pattern, order } = datePatterns[format];
  const match = pattern.exec(trimmed);
  if (match === null) {
    issues.add(line, `${field} ${JSON.stringify(trimmed.slice(0, 40))} does not have the mapping's format ${format}`);
    return null;
  }
  const part = (which: 'y' | 'm' | 'd'): string => (match[order.indexOf(which) + 1] as string).padStart(2, '0');
  return readCalendarDate(`${part('y')}-${part('m')}-${part('d')}`, field, issues, line);
}

/**
 * Opening and closing balance: given by the caller, else from the balance column. The balance column holds the
 * balance after each row, so in date order the opening is the first row's balance less its amount and the closing
 * the last row's; a file listed newest first (its first row is later than its last) is read the other way round.
 */
function resolveBalances(
  lines: readonly DraftLine[],
  balances: readonly (Big | null)[],
  options: CsvReadOptions,
  issues: StatementIssues,
): { opening: DraftBalance; closing: DraftBalance } {
  const given = (value: string | null | undefined, field: string): DraftBalance | null => {
    if (value === null || value === undefined) return null;
    const amount = readAmount(value, field, options.minorUnit, options.currency, issues, null);
    return amount === null ? null : { value: amount, line: null };
  };
  let opening = given(options.openingBalance, 'openingBalance');
  let closing = given(options.closingBalance, 'closingBalance');
  issues.throwIfAny();
  if (opening === null || closing === null) {
    const firstLine = lines[0];
    const lastLine = lines[lines.length - 1];
    const firstBalance = balances[0];
    const lastBalance = balances[balances.length - 1];
    if (balances.length === 0 || firstLine === undefined || lastLine === undefined) {
      return issues.fail(null, 'CSV needs openingBalance and closingBalance or a balance column');
    }
    if (firstBalance === null || firstBalance === undefined) issues.fail(firstLine.sourceLine, 'the balance column is empty on the first row, which gives a statement balance');
    if (lastBalance === null || lastBalance === undefined) issues.fail(lastLine.sourceLine, 'the balance column is empty on the last row, which gives a statement balance');
    const newestFirst = firstLine.bookingDate > lastLine.bookingDate;
    const [earliest, earliestBalance, latest, latestBalance] = newestFirst
      ? [lastLine, lastBalance, firstLine, firstBalance]
      : [firstLine, firstBalance, lastLine, lastBalance];
    opening ??= { value: earliestBalance.minus(earliest.amount), line: earliest.sourceLine };
    closing ??= { value: latestBalance, line: latest.sourceLine };
  }
  return { opening, closing };
}
