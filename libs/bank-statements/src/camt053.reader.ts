import type Big from 'big.js';
import type { StatementIssues } from './statement-parse-error.js';
import type { DraftBalance, DraftLine, StatementDraft } from './statement-draft.js';
import { boundedText, readAmount, readCalendarDate, statementLimits } from './statement-values.js';
import { type XmlElement, childElement as child, childElements as children, elementText as text, readXml } from './xml-reader.js';

/** camt.053 BankToCustomerStatement versions read: 001.02 to 001.08 (the element paths used here are the same in all). */
const camt053Namespace = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]$/;
/** Entries not (yet) booked: the booked balances do not include them, so neither does the statement. */
const notBookedStatuses = new Set(['PDNG', 'INFO', 'FUTR']);
/** The placeholder SEPA puts in EndToEndId when the payer gave none: not an id. */
const notProvided = 'NOTPROVIDED';

interface ReadContext {
  readonly currency: string;
  readonly minorUnit: number;
  readonly issues: StatementIssues;
}

/**
 * Reads an ISO 20022 camt.053 statement (one Stmt per file). Amounts are unsigned in camt; CdtDbtInd gives the
 * direction (DBIT = money out = negative). The entry's own CdtDbtInd is the direction of the booking, reversals
 * included: ISO's usage rule for RvslInd says a CRDT reversal undoes a debit, so the sign is not flipped again
 * (flipping would break opening + entries = closing on every real file that has a reversal).
 */
export function readCamt053(content: string, currency: string, minorUnit: number, issues: StatementIssues): StatementDraft {
  const document = readXml(content, issues);
  if (document.name !== 'Document') issues.fail(document.line, `not a camt.053 file: the root element is <${document.name}>, expected <Document>`);
  const namespace = document.attributes.get(document.prefix === null ? 'xmlns' : `xmlns:${document.prefix}`) ?? null;
  if (namespace === null || !camt053Namespace.test(namespace)) {
    issues.fail(document.line, `not a camt.053 file of a supported version: the namespace is ${JSON.stringify(namespace)}, expected urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 to .08`);
  }
  const report = child(document, 'BkToCstmrStmt');
  if (report === null) issues.fail(document.line, 'not a camt.053 file: <Document> has no <BkToCstmrStmt>');
  const context: ReadContext = { currency, minorUnit, issues };
  const statements = children(report, 'Stmt');
  const statement = statements[0];
  if (statement === undefined) issues.fail(report.line, 'the file holds no statement (<Stmt>)');
  if (statements.length > 1) {
    issues.fail((statements[1] as XmlElement).line, `the file holds ${statements.length} statements (<Stmt>); import one statement per file`);
  }

  const statementRef = boundedText(text(child(statement, 'Id')), 'Stmt/Id', statementLimits.statementRefLengthMax, issues, statement.line);
  const account = child(statement, 'Acct');
  const accountId = child(account, 'Id');
  const accountRef = boundedText(text(child(accountId, 'IBAN')) ?? text(child(child(accountId, 'Othr'), 'Id')), 'Acct/Id', statementLimits.statementRefLengthMax, issues, account?.line ?? statement.line);
  const accountCurrency = text(child(account, 'Ccy'));
  if (accountCurrency !== null && accountCurrency !== currency) {
    issues.fail(account?.line ?? statement.line, `the statement's account is in ${accountCurrency}, the bank account in ${currency}`);
  }

  const balances = readBalances(children(statement, 'Bal'), context);
  const lines: DraftLine[] = [];
  for (const entry of children(statement, 'Ntry')) {
    const line = readEntry(entry, context);
    if (line !== null) lines.push(line);
  }
  const period = child(statement, 'FrToDt');
  if (period !== null) {
    const fromDate = readDatePart(text(child(period, 'FrDtTm')), 'FrToDt/FrDtTm', context, period.line);
    const toDate = readDatePart(text(child(period, 'ToDtTm')), 'FrToDt/ToDtTm', context, period.line);
    return { statementRef, accountRef, opening: balances.opening, closing: balances.closing, fromDate, toDate, lines };
  }
  // No FrToDt: the period runs from the opening balance's date to the closing balance's, widened to cover the lines.
  const bounds = [balances.openingDate, balances.closingDate, ...lines.map((line) => line.bookingDate)].filter((date): date is string => date !== null).sort();
  const fromDate = bounds[0] ?? null;
  const toDate = bounds[bounds.length - 1] ?? null;
  return { statementRef, accountRef, opening: balances.opening, closing: balances.closing, fromDate, toDate, lines };
}

interface Balances {
  readonly opening: DraftBalance | null;
  readonly closing: DraftBalance | null;
  readonly openingDate: string | null;
  readonly closingDate: string | null;
}

/** OPBD (opening booked) or, failing it, PRCD (previously closed booked) opens; CLBD (closing booked) closes. */
function readBalances(elements: readonly XmlElement[], context: ReadContext): Balances {
  const found = new Map<string, { balance: DraftBalance; date: string | null }>();
  for (const element of elements) {
    const type = text(child(child(child(element, 'Tp'), 'CdOrPrtry'), 'Cd'));
    if (type !== 'OPBD' && type !== 'PRCD' && type !== 'CLBD') continue;
    const value = readSignedAmount(element, `balance ${type}`, context, element.line);
    const dateChoice = child(element, 'Dt');
    const date = dateChoice === null ? null : readDatePart(text(child(dateChoice, 'Dt')) ?? text(child(dateChoice, 'DtTm')), `balance ${type} date`, context, element.line);
    if (value !== null && !found.has(type)) found.set(type, { balance: { value, line: element.line }, date });
  }
  const opening = found.get('OPBD') ?? found.get('PRCD');
  const closing = found.get('CLBD');
  return { opening: opening?.balance ?? null, closing: closing?.balance ?? null, openingDate: opening?.date ?? null, closingDate: closing?.date ?? null };
}

function readEntry(entry: XmlElement, context: ReadContext): DraftLine | null {
  const { issues } = context;
  const line = entry.line;
  const statusElement = child(entry, 'Sts');
  // camt.053.001.02 to .06 write <Sts>BOOK</Sts>; .07 and .08 write <Sts><Cd>BOOK</Cd></Sts>.
  const status = text(child(statusElement, 'Cd')) ?? text(child(statusElement, 'Prtry')) ?? text(statusElement);
  if (status !== null && notBookedStatuses.has(status)) return null;
  const amount = readSignedAmount(entry, 'entry amount', context, line);
  const bookingDate = readDateChoice(child(entry, 'BookgDt'), 'BookgDt', context, line);
  const valueDateElement = child(entry, 'ValDt');
  const valueDate = valueDateElement === null ? bookingDate : readDateChoice(valueDateElement, 'ValDt', context, line);

  // A batch entry (several TxDtls) books many transactions as one line: their details do not describe the line.
  const transactions = children(child(entry, 'NtryDtls'), 'TxDtls');
  const transaction = transactions.length === 1 ? transactions[0] : undefined;
  const refs = child(transaction, 'Refs');
  const endToEndId = text(child(refs, 'EndToEndId'));
  const bankTransactionId = boundedText(
    text(child(entry, 'AcctSvcrRef')) ?? text(child(refs, 'AcctSvcrRef')) ?? (endToEndId === notProvided ? null : endToEndId) ?? text(child(refs, 'TxId')),
    'bank transaction id',
    statementLimits.bankTransactionIdLengthMax,
    issues,
    line,
  );
  const remittance = child(transaction, 'RmtInf');
  const unstructured = children(remittance, 'Ustrd').map((part) => part.text.trim()).filter((part) => part !== '');
  const structuredRef = text(child(child(child(remittance, 'Strd'), 'CdtrRefInf'), 'Ref'));
  const reference = boundedText(unstructured.length > 0 ? unstructured.join(' ') : structuredRef, 'reference', statementLimits.lineTextLengthMax, issues, line);
  const parties = child(transaction, 'RltdPties');
  const party = child(parties, text(child(entry, 'CdtDbtInd')) === 'CRDT' ? 'Dbtr' : 'Cdtr');
  // camt.053.001.08 wraps the party (Dbtr/Pty/Nm); earlier versions do not (Dbtr/Nm).
  const partyName = text(child(party, 'Nm')) ?? text(child(child(party, 'Pty'), 'Nm'));
  const counterparty = boundedText(partyName, 'counterparty', statementLimits.lineTextLengthMax, issues, line);
  const description = boundedText(text(child(entry, 'AddtlNtryInf')), 'description', statementLimits.lineTextLengthMax, issues, line);

  if (amount === null || bookingDate === null || valueDate === null) return null;
  return { sourceLine: line, bookingDate, valueDate, amount, reference, counterparty, description, bankTransactionId };
}

/** Amt (unsigned, with its Ccy, which must be the account's) and CdtDbtInd: DBIT is negative. */
function readSignedAmount(element: XmlElement, field: string, context: ReadContext, line: number): Big | null {
  const { issues, currency } = context;
  const amountElement = child(element, 'Amt');
  const amountCurrency = amountElement?.attributes.get('Ccy') ?? null;
  if (amountCurrency !== null && amountCurrency !== currency) {
    issues.add(line, `${field} is in ${amountCurrency}; the bank account's currency is ${currency}`);
    return null;
  }
  const amountText = text(amountElement);
  if (amountText !== null && amountText.startsWith('-')) {
    issues.add(line, `${field} ${amountText} carries a sign; camt amounts are unsigned and CdtDbtInd gives the direction`);
    return null;
  }
  const value = readAmount(amountText, field, context.minorUnit, currency, issues, line);
  const direction = text(child(element, 'CdtDbtInd'));
  if (direction !== 'CRDT' && direction !== 'DBIT') {
    issues.add(line, `${field}: CdtDbtInd must be CRDT or DBIT (got ${JSON.stringify(direction)})`);
    return null;
  }
  if (value === null) return null;
  return direction === 'DBIT' ? value.neg() : value;
}

/** A camt date choice: <Dt>YYYY-MM-DD</Dt> or <DtTm>ISO date-time</DtTm> (its calendar date as written). */
function readDateChoice(element: XmlElement | null, field: string, context: ReadContext, line: number): string | null {
  const date = text(child(element, 'Dt'));
  if (date !== null) return readCalendarDate(date, `${field}/Dt`, context.issues, line);
  return readDatePart(text(child(element, 'DtTm')), `${field}/DtTm`, context, line);
}

function readDatePart(value: string | null, field: string, context: ReadContext, line: number): string | null {
  if (value !== null && !/^\d{4}-\d{2}-\d{2}(T|$)/.test(value)) {
    context.issues.add(line, `${field} ${JSON.stringify(value.slice(0, 40))} is not an ISO date`);
    return null;
  }
  return readCalendarDate(value?.slice(0, 10), field, context.issues, line);
}
