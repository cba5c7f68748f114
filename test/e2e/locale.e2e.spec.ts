import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstErrorCode, requireData } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';

/**
 * Amounts and dates formatted for a locale (docs/domain.md, "Multi-currency and locale": 1,000.00 vs 1.000,00; MM/DD vs
 * DD/MM). `formatted(locale)` is a field of every Money in the schema; here it is read on a currency conversion.
 */

// Intl separates some symbols from the digits with a no-break space (U+00A0).
const NBSP = '\u00a0';

const CONVERT_FORMATTED = `query ($amount: Decimal!, $from: String!, $to: String!, $asOf: DateTime, $minPosition: String) {
  convertAmount(amount: $amount, from: $from, to: $to, asOf: $asOf, minPosition: $minPosition) {
    amount { amount currency enUS: formatted(locale: "en-US") deDE: formatted(locale: "de-DE") jaJP: formatted(locale: "ja-JP") }
    converted { amount currency enUS: formatted(locale: "en-US") deDE: formatted(locale: "de-DE") jaJP: formatted(locale: "ja-JP") }
  }
}`;
const FORMAT_DATE = 'query ($date: Date!, $locale: String!) { formatDate(date: $date, locale: $locale) }';

interface FormattedMoney {
  amount: string;
  currency: string;
  enUS: string;
  deDE: string;
  jaJP: string;
}

let ledger: TestLedger;
let usdJpyPosition: string;

beforeAll(async () => {
  ledger = await startTestLedger();
  const recorded = await ledger.graphql<{ recordExchangeRate: { position: string } }>(
    'mutation ($input: RecordExchangeRateInput!) { recordExchangeRate(input: $input) { position } }',
    { input: { base: 'USD', quote: 'JPY', rate: '149.567', effectiveAt: '2026-01-01T00:00:00Z', source: 'manual' } },
  );
  usdJpyPosition = requireData(recorded, 'recordExchangeRate').recordExchangeRate.position;
});

afterAll(async () => {
  await ledger?.stop();
});

async function formatted(amount: string, from: string, to: string, minPosition?: string) {
  const data = requireData(await ledger.graphql<{ convertAmount: { amount: FormattedMoney; converted: FormattedMoney } }>(CONVERT_FORMATTED, { amount, from, to, asOf: '2026-02-01T00:00:00Z', minPosition }), 'convertAmount');
  return data.convertAmount;
}

describe('Money.formatted(locale)', () => {
  it('writes 1234.50 EUR as "1.234,50 €" for de-DE and "€1,234.50" for en-US', async () => {
    const { amount } = await formatted('1234.5', 'EUR', 'EUR');
    expect(amount).toEqual({ amount: '1234.50', currency: 'EUR', enUS: '€1,234.50', deDE: `1.234,50${NBSP}€`, jaJP: '€1,234.50' });
  });

  it('writes 1234.50 USD as "$1,234.50" for en-US and "1.234,50 $" for de-DE', async () => {
    const { amount } = await formatted('1234.50', 'USD', 'USD');
    expect([amount.enUS, amount.deDE]).toEqual(['$1,234.50', `1.234,50${NBSP}$`]);
  });

  it('writes JPY without decimals: 100.00 USD at 149.567 is 14957 JPY, "￥14,957" for ja-JP', async () => {
    const { amount, converted } = await formatted('100.00', 'USD', 'JPY', usdJpyPosition);
    expect(amount.jaJP).toBe('$100.00');
    expect(converted).toEqual({ amount: '14957', currency: 'JPY', enUS: '¥14,957', deDE: `14.957${NBSP}¥`, jaJP: '￥14,957' });
  });

  it('keeps every digit of an amount no float can hold', async () => {
    const { amount } = await formatted('12345678901234567.89', 'USD', 'USD');
    expect(amount.enUS).toBe('$12,345,678,901,234,567.89');
  });

  it('refuses a locale that is not canonical BCP-47 with VALIDATION_FAILED', async () => {
    for (const locale of ['en_US', 'not a locale', '']) {
      const response = await ledger.graphql(`query { convertAmount(amount: "1.00", from: "USD", to: "USD") { amount { formatted(locale: ${JSON.stringify(locale)}) } } }`);
      expect(firstErrorCode(response)).toBe('VALIDATION_FAILED');
      expect(response.errors?.[0]?.message).toMatch(/locale must be a BCP-47 locale/);
    }
  });
});

describe('formatDate(date, locale)', () => {
  it.each([
    ['en-US', '01/15/2026'],
    ['en-GB', '15/01/2026'],
    ['de-DE', '15.01.2026'],
    ['ja-JP', '2026/01/15'],
  ])('writes 2026-01-15 for %s as %s', async (locale, expected) => {
    expect(requireData(await ledger.graphql<{ formatDate: string }>(FORMAT_DATE, { date: '2026-01-15', locale }), 'formatDate').formatDate).toBe(expected);
  });

  it('refuses an impossible date and a bad locale with VALIDATION_FAILED', async () => {
    expect(firstErrorCode(await ledger.graphql(FORMAT_DATE, { date: '2026-02-30', locale: 'en-US' }))).toBe('VALIDATION_FAILED');
    expect(firstErrorCode(await ledger.graphql(FORMAT_DATE, { date: '2026-01-15', locale: 'en_GB' }))).toBe('VALIDATION_FAILED');
  });

  it('needs an API key', async () => {
    expect(firstErrorCode(await ledger.graphql(FORMAT_DATE, { date: '2026-01-15', locale: 'en-US' }, 'no-such-key'))).toBe('UNAUTHENTICATED');
  });
});
