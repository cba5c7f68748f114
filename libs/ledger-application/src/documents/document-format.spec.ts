import { describe, expect, it } from '@jest/globals';
import { DocumentFormat } from './document-format.js';

const nbsp = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('DocumentFormat', () => {
  it.each([
    ['de-DE', 'Europe/Berlin', '1.234,50 €', '15.01.2024', '1.234,5', '19%'],
    ['en-US', 'America/New_York', '€1,234.50', '01/15/2024', '1,234.5', '19%'],
    ['en-GB', 'Europe/London', '€1,234.50', '15/01/2024', '1,234.5', '19%'],
    ['fr-FR', 'Europe/Paris', '1 234,50 €', '15/01/2024', '1 234,5', '19%'],
  ])('%s: money, dates and decimals as the locale writes them', (locale, timeZone, money, date, decimal, percent) => {
    const format = new DocumentFormat(locale, timeZone);
    expect(nbsp(format.money('1234.50', 'EUR'))).toBe(money);
    expect(format.date('2024-01-15')).toBe(date);
    expect(nbsp(format.decimal('1234.500'))).toBe(decimal);
    expect(format.percent('19.00')).toBe(percent);
  });

  it('dates an instant by the tenant\'s time zone: 23:30 UTC is already the next day in Berlin', () => {
    expect(new DocumentFormat('de-DE', 'Europe/Berlin').dateOf('2024-01-14T23:30:00.000Z')).toBe('15.01.2024');
    expect(new DocumentFormat('de-DE', 'America/New_York').dateOf('2024-01-14T23:30:00.000Z')).toBe('14.01.2024');
  });

  it('keeps every digit of a decimal (no float): quantities and rates of any length', () => {
    const format = new DocumentFormat('en-US', 'UTC');
    expect(format.decimal('123456789012.000000001')).toBe('123,456,789,012.000000001');
    expect(format.decimal('-0.5')).toBe('-0.5');
    expect(format.percent('8.875')).toBe('8.875%');
    expect(format.money('0.0045', 'USD')).toBe('$0.0045');
  });
});
