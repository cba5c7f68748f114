import type Big from 'big.js';
import type { StatementIssues } from './statement-parse-error.js';
import type { DraftLine, StatementDraft } from './statement-draft.js';
import { boundedText, cleanText, readAmount, readCalendarDate, statementLimits } from './statement-values.js';
import { type OfxElement, childOf, descendantsOf, leafText, tokenizeOfx } from './ofx.tokenizer.js';

/**
 * Reads an OFX bank statement (1.x SGML or 2.x XML; one STMTRS per file). TRNAMT is signed; the closing balance is
 * LEDGERBAL/BALAMT, and OFX states no opening balance (the caller derives it: closing less the lines).
 */
export function readOfx(content: string, currency: string, minorUnit: number, issues: StatementIssues): StatementDraft {
  const ofx = tokenizeOfx(content, issues);
  const statements = descendantsOf(ofx, 'STMTRS');
  const statement = statements[0];
  if (statement === undefined) {
    const creditCard = descendantsOf(ofx, 'CCSTMTRS').length > 0;
    issues.fail(null, creditCard ? 'the OFX file holds a credit card statement (<CCSTMTRS>); only bank statements (<STMTRS>) are read' : 'the OFX file holds no bank statement (<STMTRS>)');
  }
  if (statements.length > 1) {
    issues.fail((statements[1] as OfxElement).line, `the file holds ${statements.length} statements (<STMTRS>); import one statement per file`);
  }
  const statementCurrency = leafText(statement, 'CURDEF');
  if (statementCurrency !== currency) {
    issues.fail(childOf(statement, 'CURDEF')?.line ?? statement.line, `the statement is in ${JSON.stringify(statementCurrency)} (CURDEF); the bank account's currency is ${currency}`);
  }
  const accountRef = cleanText(leafText(childOf(statement, 'BANKACCTFROM'), 'ACCTID'));
  const list = childOf(statement, 'BANKTRANLIST');
  const fromDate = readOptionalDate(childOf(list, 'DTSTART'), issues);
  const toDate = readOptionalDate(childOf(list, 'DTEND'), issues);

  const lines: DraftLine[] = [];
  for (const transaction of list?.children.filter((child) => child.name === 'STMTTRN') ?? []) {
    const line = readTransaction(transaction, currency, minorUnit, issues);
    if (line !== null) lines.push(line);
  }

  const ledgerBalance = childOf(statement, 'LEDGERBAL');
  let closing = null;
  if (ledgerBalance !== null) {
    const value = readAmount(ofxDecimal(leafText(ledgerBalance, 'BALAMT')), 'LEDGERBAL/BALAMT', minorUnit, currency, issues, ledgerBalance.line);
    if (value !== null) closing = { value, line: ledgerBalance.line };
  }
  return { statementRef: null, accountRef, opening: null, closing, fromDate, toDate, lines };
}

function readTransaction(transaction: OfxElement, currency: string, minorUnit: number, issues: StatementIssues): DraftLine | null {
  const line = transaction.line;
  const foreign = leafText(childOf(transaction, 'CURRENCY'), 'CURSYM');
  if (foreign !== null && foreign !== currency) {
    issues.add(line, `the transaction is in ${foreign} (CURRENCY/CURSYM); the bank account's currency is ${currency}`);
    return null;
  }
  const amount: Big | null = readAmount(ofxDecimal(leafText(transaction, 'TRNAMT')), 'TRNAMT', minorUnit, currency, issues, line);
  const bookingDate = readOfxDate(leafText(transaction, 'DTPOSTED'), 'DTPOSTED', issues, line);
  const available = leafText(transaction, 'DTAVAIL');
  const valueDate = available === null ? bookingDate : readOfxDate(available, 'DTAVAIL', issues, line);
  const bankTransactionId = boundedText(leafText(transaction, 'FITID'), 'FITID', statementLimits.bankTransactionIdLengthMax, issues, line);
  const name = leafText(transaction, 'NAME') ?? leafText(childOf(transaction, 'PAYEE'), 'NAME');
  const counterparty = boundedText(name, 'NAME', statementLimits.lineTextLengthMax, issues, line);
  const description = boundedText(leafText(transaction, 'MEMO'), 'MEMO', statementLimits.lineTextLengthMax, issues, line);
  const reference = boundedText(leafText(transaction, 'REFNUM') ?? leafText(transaction, 'CHECKNUM'), 'REFNUM', statementLimits.lineTextLengthMax, issues, line);
  if (amount === null || bookingDate === null || valueDate === null) return null;
  return { sourceLine: line, bookingDate, valueDate, amount, reference, counterparty, description, bankTransactionId };
}

/**
 * OFX amounts: an optional sign, and '.' or ',' as the decimal point (the OFX spec allows both). "+12.50" and
 * "12,50" become "12.50"; everything else is left for the strict reader to refuse.
 */
function ofxDecimal(text: string | null): string | null {
  if (text === null) return null;
  const unsigned = text.startsWith('+') ? text.slice(1) : text;
  return /^-?\d+,\d+$/.test(unsigned) ? unsigned.replace(',', '.') : unsigned;
}

/** YYYYMMDD, optionally HH, MM, SS, .XXX and a [offset:TZ] zone: the calendar date as written (no zone shift). */
const ofxDatePattern = /^(\d{4})(\d{2})(\d{2})(?:([01]\d|2[0-3])(?:([0-5]\d)(?:([0-5]\d|60)(?:\.\d{1,3})?)?)?)?(?:\[[+-]?\d{1,2}(?:\.\d{1,2})?(?::[A-Za-z]{1,10})?\])?$/;

export function readOfxDate(value: string | null, field: string, issues: StatementIssues, line: number): string | null {
  if (value === null || value === '') {
    issues.add(line, `${field} is missing`);
    return null;
  }
  const parts = ofxDatePattern.exec(value);
  if (parts === null) {
    issues.add(line, `${field} ${JSON.stringify(value.slice(0, 40))} is not an OFX date (YYYYMMDD[HHMMSS[.XXX]][[+-h]:TZ])`);
    return null;
  }
  return readCalendarDate(`${parts[1]}-${parts[2]}-${parts[3]}`, field, issues, line);
}

function readOptionalDate(element: OfxElement | null, issues: StatementIssues): string | null {
  return element === null ? null : readOfxDate(element.text, element.name, issues, element.line);
}
