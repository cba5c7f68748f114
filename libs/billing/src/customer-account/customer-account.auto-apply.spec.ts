import { describe, expect, it } from '@jest/globals';
import Big from 'big.js';
import fc from 'fast-check';
import { DomainError } from '../common/domain-error.js';
import { autoApplyPlan, type OpenInvoiceForCredit } from './customer-account.auto-apply.js';

const usd = (invoiceId: string, balanceDue: string): OpenInvoiceForCredit => ({ invoiceId, balanceDue, currency: 'USD' });

describe('autoApplyPlan', () => {
  it('pays the invoices in the order given (oldest due first), each as far as the credit goes', () => {
    expect(autoApplyPlan({ USD: '100.00' }, [usd('inv-1', '30.00'), usd('inv-2', '50.00'), usd('inv-3', '40.00'), usd('inv-4', '10.00')])).toEqual([
      { invoiceId: 'inv-1', currency: 'USD', amount: '30.00' },
      { invoiceId: 'inv-2', currency: 'USD', amount: '50.00' },
      { invoiceId: 'inv-3', currency: 'USD', amount: '20.00' },
    ]);
  });

  it('never applies more than an invoice owes: credit beyond every balance stays on the account', () => {
    expect(autoApplyPlan({ USD: '100.00' }, [usd('inv-1', '30.00')])).toEqual([{ invoiceId: 'inv-1', currency: 'USD', amount: '30.00' }]);
  });

  it('keeps currencies apart: credit in one currency pays only invoices in that currency', () => {
    const plan = autoApplyPlan({ USD: '10.00', JPY: '500' }, [
      { invoiceId: 'inv-eur', balanceDue: '5.00', currency: 'EUR' },
      { invoiceId: 'inv-jpy', balanceDue: '800', currency: 'JPY' },
      usd('inv-usd', '4.00'),
    ]);
    expect(plan).toEqual([
      { invoiceId: 'inv-jpy', currency: 'JPY', amount: '500' },
      { invoiceId: 'inv-usd', currency: 'USD', amount: '4.00' },
    ]);
  });

  it('skips invoices with nothing due and plans nothing without credit', () => {
    expect(autoApplyPlan({ USD: '10.00' }, [usd('inv-1', '0.00'), usd('inv-2', '3.00')])).toEqual([{ invoiceId: 'inv-2', currency: 'USD', amount: '3.00' }]);
    expect(autoApplyPlan({}, [usd('inv-1', '3.00')])).toEqual([]);
    expect(autoApplyPlan({ USD: '0.00' }, [usd('inv-1', '3.00')])).toEqual([]);
    expect(autoApplyPlan({ USD: '5.00' }, [])).toEqual([]);
  });

  it('refuses invalid input with VALIDATION_FAILED', () => {
    const codeOf = (work: () => unknown): string | undefined => {
      try {
        work();
      } catch (error) {
        return error instanceof DomainError ? error.code : 'not a DomainError';
      }
      return undefined;
    };
    expect(codeOf(() => autoApplyPlan({ USD: '-1.00' }, []))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => autoApplyPlan({ USD: '1.001' }, []))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => autoApplyPlan({ usd: '1.00' }, []))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => autoApplyPlan({ USD: '1.00' }, [usd('inv-1', '-2.00')]))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => autoApplyPlan({ USD: '1.00' }, [usd('inv-1', '2.00'), usd('inv-1', '3.00')]))).toBe('VALIDATION_FAILED');
  });

  it('for any balance and invoices, applies no more than the credit or any balance due, and uses the credit up while something is due', () => {
    const cents = (minor: number): string => new Big(minor).div(100).toFixed(2);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 20 }), (creditMinor, dues) => {
        const invoices = dues.map((due, index) => usd(`inv-${index}`, cents(due)));
        const plan = autoApplyPlan({ USD: cents(creditMinor) }, invoices);
        const applied = plan.reduce((sum, item) => sum.plus(item.amount), new Big(0));
        expect(applied.lte(cents(creditMinor))).toBe(true);
        for (const item of plan) {
          const invoice = invoices.find((candidate) => candidate.invoiceId === item.invoiceId);
          expect(new Big(item.amount).gt(0) && new Big(item.amount).lte(invoice?.balanceDue ?? '0')).toBe(true);
        }
        const owed = dues.reduce((sum, due) => sum + due, 0);
        expect(applied.eq(cents(Math.min(creditMinor, owed)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
