import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import { lineKeys } from './line-keys.js';
import { parseStatement } from './parse-statement.js';

const count = 10_000;
/** A deterministic amount per line: credits and debits, cents included. */
const amountOf = (index: number): Big => new Big((index * 7919) % 100_000).div(100).times(index % 3 === 0 ? -1 : 1);
const dateOf = (index: number): string => `2026-03-${String(1 + (index % 28)).padStart(2, '0')}`;
const expectedTotal = Array.from({ length: count }, (_, index) => amountOf(index)).reduce((sum, amount) => sum.plus(amount), new Big(0));
const opening = new Big('1000.00');
const closing = opening.plus(expectedTotal);

function generatedCsv(): string {
  const rows = ['date,amount,reference,balance'];
  let balance = opening;
  for (let index = 0; index < count; index += 1) {
    balance = balance.plus(amountOf(index));
    rows.push(`${dateOf(index)},${amountOf(index).toFixed(2)},REF-${index % 500},${balance.toFixed(2)}`);
  }
  return `${rows.join('\r\n')}\r\n`;
}

function generatedCamt(): string {
  const entries = Array.from({ length: count }, (_, index) => {
    const amount = amountOf(index);
    return (
      `<Ntry><Amt Ccy="EUR">${amount.abs().toFixed(2)}</Amt><CdtDbtInd>${amount.lt(0) ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
      `<BookgDt><Dt>${dateOf(index)}</Dt></BookgDt><ValDt><Dt>${dateOf(index)}</Dt></ValDt><AcctSvcrRef>B-${index}</AcctSvcrRef>` +
      `<NtryDtls><TxDtls><RmtInf><Ustrd>REF-${index % 500}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`
    );
  });
  const balance = (code: string, value: Big): string =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${value.abs().toFixed(2)}</Amt><CdtDbtInd>${value.lt(0) ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>BIG</Id>',
    '<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>',
    balance('OPBD', opening),
    balance('CLBD', closing),
    ...entries,
    '</Stmt></BkToCstmrStmt></Document>',
  ].join('\n');
}

describe('a 10,000-line statement', () => {
  it('CSV: every line read, totals add up, keys unique', () => {
    const statement = parseStatement({
      format: 'csv',
      content: generatedCsv(),
      currency: 'EUR',
      csvMapping: { delimiter: ',', hasHeader: true, dateFormat: 'YYYY-MM-DD', decimalSeparator: '.', columns: { bookingDate: 'date', amount: 'amount', reference: 'reference', balance: 'balance' } },
    });
    expect(statement.lines).toHaveLength(count);
    expect(statement.openingBalance).toBe('1000.00');
    expect(statement.closingBalance).toBe(closing.toFixed(2));
    expect(statement.lines.reduce((sum, line) => sum.plus(line.amount), new Big(0)).eq(expectedTotal)).toBe(true);
    expect(statement.lines[count - 1]?.sourceLine).toBe(count + 1);
    expect(new Set(lineKeys('ba_big', statement.lines)).size).toBe(count);
  });

  it('camt.053: every entry read, totals add up, keys are the bank references', () => {
    const statement = parseStatement({ format: 'camt053', content: generatedCamt(), currency: 'EUR' });
    expect(statement.lines).toHaveLength(count);
    expect(statement.closingBalance).toBe(closing.toFixed(2));
    expect(statement.lines.reduce((sum, line) => sum.plus(line.amount), new Big(0)).eq(expectedTotal)).toBe(true);
    expect(statement).toMatchObject({ fromDate: '2026-03-01', toDate: '2026-03-28' });
    const keys = lineKeys('ba_big', statement.lines);
    expect(keys[1234]).toBe('tx:B-1234');
    expect(new Set(keys).size).toBe(count);
  });
});
