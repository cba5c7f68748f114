import { describe, expect, it } from '@jest/globals';
import { csvMappingSchema } from './csv-mapping.js';

const valid = { delimiter: ';', hasHeader: true, dateFormat: 'DD.MM.YYYY', decimalSeparator: ',', columns: { bookingDate: 'Datum', amount: 'Betrag' } };

describe('csvMappingSchema', () => {
  it.each([
    ['an amount column', valid],
    ['debit and credit columns', { ...valid, columns: { bookingDate: '1', debit: '2', credit: '3' } }],
    ['every optional column', { ...valid, columns: { ...valid.columns, valueDate: 'V', reference: 'R', counterparty: 'C', description: 'D', transactionId: 'T', balance: 'B' } }],
  ])('accepts %s', (_what, mapping) => {
    expect(csvMappingSchema.safeParse(mapping).success).toBe(true);
  });

  it.each([
    ['both amount and debit/credit', { ...valid, columns: { bookingDate: 'D', amount: 'A', debit: 'X', credit: 'Y' } }, 'columns.amount'],
    ['debit without credit', { ...valid, columns: { bookingDate: 'D', debit: 'X' } }, 'columns.amount'],
    ['no amount at all', { ...valid, columns: { bookingDate: 'D' } }, 'columns.amount'],
    ['no booking date', { ...valid, columns: { amount: 'A' } }, 'columns.bookingDate'],
    ['an empty column name', { ...valid, columns: { bookingDate: '', amount: 'A' } }, 'columns.bookingDate'],
    ['a 101-character column name', { ...valid, columns: { bookingDate: 'x'.repeat(101), amount: 'A' } }, 'columns.bookingDate'],
    ['an unknown column key', { ...valid, columns: { ...valid.columns, iban: 'I' } }, 'columns'],
    ['an unknown delimiter', { ...valid, delimiter: ':' }, 'delimiter'],
    ['an unknown date format', { ...valid, dateFormat: 'D/M/YY' }, 'dateFormat'],
    ['the delimiter as decimal separator', { ...valid, delimiter: ',', decimalSeparator: ',' }, 'decimalSeparator'],
    ['an unknown key', { ...valid, encoding: 'latin1' }, ''],
  ])('refuses %s', (_what, mapping, path) => {
    const result = csvMappingSchema.safeParse(mapping);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
