import { currencyOf, isCurrencyCode } from '../../money/src/index.js';
import { readCamt053 } from './camt053.reader.js';
import { readCsv } from './csv.reader.js';
import { readOfx } from './ofx.reader.js';
import { StatementIssues } from './statement-parse-error.js';
import { type FinishOptions, finishStatement } from './statement-draft.js';
import { type ParseStatementInput, type ParsedStatement, type StatementFormat, statementFormats } from './statement.types.js';
import { statementLimits, withoutByteOrderMark } from './statement-values.js';

/**
 * Reads a bank statement file (camt.053, OFX 1.x/2.x or CSV with the account's mapping) into signed lines at the
 * currency's minor unit. Pure: no I/O, no clock. The whole file is refused on any problem (StatementParseError,
 * a VALIDATION_FAILED DomainError listing up to 20 {line, reason}); nothing partial is ever returned. Checks: size
 * (5 MiB) and line count (50,000), hostile XML, the file's currency against the account's, strict amounts below
 * 10^12, real calendar dates, unique bank transaction ids, and opening balance + lines = closing balance exactly.
 */
export function parseStatement(input: ParseStatementInput): ParsedStatement {
  const issues = new StatementIssues();
  if (!(statementFormats as readonly string[]).includes(input.format)) {
    issues.fail(null, `unknown statement format ${JSON.stringify(input.format)}: use csv, camt053 or ofx`);
  }
  if (typeof input.content !== 'string') issues.fail(null, 'the statement content must be text');
  if (!isCurrencyCode(input.currency)) issues.fail(null, `the bank account's currency ${JSON.stringify(input.currency)} is not an ISO 4217 code`);
  // Length first: a string's UTF-8 size is at least its length, so a huge file is refused before it is even measured.
  if (input.content.length > statementLimits.bytesMax || Buffer.byteLength(input.content, 'utf8') > statementLimits.bytesMax) {
    issues.fail(null, `the file is larger than ${statementLimits.bytesMax / 1024 / 1024} MB; split the statement`);
  }
  const content = withoutByteOrderMark(input.content);
  const currency = input.currency;
  const minorUnit = currencyOf(currency).minorUnit;
  refuseOtherFormat(content, input.format, issues);

  switch (input.format) {
    case 'camt053':
      return finishStatement(readCamt053(content, currency, minorUnit, issues), given(input, currency, minorUnit, false), issues);
    case 'ofx':
      return finishStatement(readOfx(content, currency, minorUnit, issues), given(input, currency, minorUnit, true), issues);
    case 'csv': {
      const draft = readCsv(
        content,
        { mapping: input.csvMapping, currency, minorUnit, openingBalance: input.openingBalance, closingBalance: input.closingBalance },
        issues,
      );
      return finishStatement(draft, { currency, minorUnit, openingFromClosing: false }, issues);
    }
    default: {
      const unknown: never = input.format;
      throw new Error(`parseStatement: format ${String(unknown)} passed the check but has no reader`);
    }
  }
}

function given(input: ParseStatementInput, currency: string, minorUnit: number, openingFromClosing: boolean): FinishOptions {
  return { currency, minorUnit, openingFromClosing, givenOpening: input.openingBalance, givenClosing: input.closingBalance };
}

/** What a file looks like, from its first bytes: a file given with the wrong format is named for what it is. */
export function sniffStatementFormat(content: string): StatementFormat | 'xml' | null {
  const head = content.slice(0, 4096);
  if (/^\s*OFXHEADER\s*:/i.test(head) || /^\s*(<\?xml[^>]*>\s*)?<\?OFX\b/i.test(head) || /^\s*(<\?xml[^>]*>\s*)?<OFX>/i.test(head)) return 'ofx';
  if (!/^\s*</.test(head)) return null;
  if (/<(\w+:)?BkToCstmrStmt\b/.test(head) || /xmlns(:\w+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:camt\.053\./.test(head)) return 'camt053';
  return 'xml';
}

const formatNames: Readonly<Record<StatementFormat | 'xml', string>> = { camt053: 'a camt.053 file', ofx: 'an OFX file', csv: 'a CSV file', xml: 'an XML file' };

function refuseOtherFormat(content: string, format: StatementFormat, issues: StatementIssues): void {
  const looksLike = sniffStatementFormat(content);
  if (looksLike === null || looksLike === format) return;
  if (format === 'camt053' && looksLike === 'xml') return;
  issues.fail(1, `the file looks like ${formatNames[looksLike]}, not ${formatNames[format]}: import it with the matching format`);
}
