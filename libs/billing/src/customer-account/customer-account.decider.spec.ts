import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { ApplyCustomerCredit, CreditCustomerAccount, CustomerAccountCommand, DebitCustomerAccount, SetAutoApplyCredit } from './customer-account.commands.js';
import { customerAccountDecider, customerCreditBalance } from './customer-account.decider.js';
import {
  customerAccountEventSchemas,
  type CustomerAccountCredited,
  type CustomerAccountDebited,
  type CustomerAccountEvent,
  type CustomerAutoApplyCreditSet,
  type CustomerCreditApplied,
} from './customer-account.events.js';

const spec = DeciderSpecification.for(customerAccountDecider);

const now = '2024-03-01T08:00:00.000Z';
const customerId = 'cus-1';
const unchecked = <T>(value: unknown): T => value as T;

function credit(data: Partial<CreditCustomerAccount['data']> = {}): CreditCustomerAccount {
  return {
    type: 'CreditCustomerAccount',
    data: { customerId, entryId: 'entry-1', amount: '25.00', currency: 'USD', source: 'overpayment', sourceId: 'pay-1', ...data },
    metadata: { now },
  };
}
function applyCredit(data: Partial<ApplyCustomerCredit['data']> = {}): ApplyCustomerCredit {
  return {
    type: 'ApplyCustomerCredit',
    data: { customerId, applicationId: 'app-1', invoiceId: 'inv-2', amount: '10.00', currency: 'USD', ...data },
    metadata: { now },
  };
}
function debit(data: Partial<DebitCustomerAccount['data']> = {}): DebitCustomerAccount {
  return {
    type: 'DebitCustomerAccount',
    data: { customerId, entryId: 'debit-1', amount: '8.00', currency: 'USD', reason: 'refund', sourceId: 'ref-1', ...data },
    metadata: { now },
  };
}
function setAutoApply(enabled: boolean): SetAutoApplyCredit {
  return { type: 'SetAutoApplyCredit', data: { customerId, enabled }, metadata: { now } };
}

function credited(data: Partial<CustomerAccountCredited['data']> = {}): CustomerAccountCredited {
  return {
    type: 'CustomerAccountCredited',
    data: { customerId, entryId: 'entry-1', amount: '25.00', currency: 'USD', source: 'overpayment', sourceId: 'pay-1', balanceAfter: '25.00', creditedAt: now, ...data },
  };
}
function creditApplied(data: Partial<CustomerCreditApplied['data']> = {}): CustomerCreditApplied {
  return {
    type: 'CustomerCreditApplied',
    data: { customerId, applicationId: 'app-1', invoiceId: 'inv-2', amount: '10.00', currency: 'USD', balanceAfter: '15.00', appliedAt: now, ...data },
  };
}
function debited(data: Partial<CustomerAccountDebited['data']> = {}): CustomerAccountDebited {
  return {
    type: 'CustomerAccountDebited',
    data: { customerId, entryId: 'debit-1', amount: '8.00', currency: 'USD', reason: 'refund', sourceId: 'ref-1', balanceAfter: '17.00', debitedAt: now, ...data },
  };
}
function autoApplySet(enabled: boolean): CustomerAutoApplyCreditSet {
  return { type: 'CustomerAutoApplyCreditSet', data: { customerId, enabled, setAt: now } };
}

describe('no account yet', () => {
  it('has no credit in any currency and auto-apply off', () => {
    const state = customerAccountDecider.initialState;
    expect(customerCreditBalance(state, 'USD')).toBe('0.00');
    expect(customerCreditBalance(state, 'JPY')).toBe('0');
    expect(state.autoApplyCredit).toBe(false);
  });

  it('CreditCustomerAccount opens it with the credit as balance', () => {
    spec.given([]).when(credit()).then([credited()]);
  });

  it('CreditCustomerAccount accepts every source', () => {
    for (const source of ['overpayment', 'credit_note', 'store_credit_refund', 'adjustment'] as const) {
      spec.given([]).when(credit({ source, sourceId: `${source}-1` })).then([credited({ source, sourceId: `${source}-1` })]);
    }
  });

  it('CreditCustomerAccount refuses amounts that are not positive or do not fit the minor unit', () => {
    spec.given([]).when(credit({ amount: '0.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given([]).when(credit({ amount: '-1.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given([]).when(credit({ amount: '1.001' })).thenThrows('VALIDATION_FAILED', /decimal place/);
    spec.given([]).when(credit({ amount: '1.5', currency: 'JPY' })).thenThrows('VALIDATION_FAILED', /JPY has no minor unit/);
    spec.given([]).when(credit({ amount: unchecked(25) })).thenThrows('VALIDATION_FAILED', /decimal string/);
  });

  it('CreditCustomerAccount refuses a bad currency, source or id', () => {
    spec.given([]).when(credit({ currency: 'usd' })).thenThrows('VALIDATION_FAILED', /currency/);
    spec.given([]).when(credit({ source: unchecked('gift') })).thenThrows('VALIDATION_FAILED', /source must be one of/);
    spec.given([]).when(credit({ sourceId: '' })).thenThrows('VALIDATION_FAILED', /sourceId/);
    spec.given([]).when(credit({ entryId: ' e ' })).thenThrows('VALIDATION_FAILED', /entryId/);
    spec.given([]).when(credit({ customerId: '' })).thenThrows('VALIDATION_FAILED', /customerId/);
  });

  it('ApplyCustomerCredit fails INSUFFICIENT_CREDIT: there is none', () => {
    spec.given([]).when(applyCredit()).thenThrows('INSUFFICIENT_CREDIT', /has 0\.00 USD of credit/);
  });

  it('DebitCustomerAccount fails INSUFFICIENT_CREDIT: there is none to take back', () => {
    spec.given([]).when(debit()).thenThrows('INSUFFICIENT_CREDIT', /has 0\.00 USD of credit: 8\.00 cannot be taken back for refund ref-1/);
  });

  it('SetAutoApplyCredit on turns it on; off is already the default and records nothing', () => {
    spec.given([]).when(setAutoApply(true)).then([autoApplySet(true)]);
    spec.given([]).when(setAutoApply(false)).thenNothing();
  });

  it('SetAutoApplyCredit with a non-boolean fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...setAutoApply(true), data: { customerId, enabled: unchecked('yes') } }).thenThrows('VALIDATION_FAILED', /enabled/);
  });
});

describe('with credit in one currency', () => {
  const history = [credited()];

  it('holds the balance', () => {
    expect(fold(customerAccountDecider, history)).toMatchObject({ status: 'open', balances: { USD: '25.00' }, entryIds: ['entry-1'] });
  });

  it('CreditCustomerAccount with a new entry adds to the balance', () => {
    spec
      .given(history)
      .when(credit({ entryId: 'entry-2', amount: '0.05', source: 'credit_note', sourceId: 'cn-1' }))
      .then([credited({ entryId: 'entry-2', amount: '0.05', source: 'credit_note', sourceId: 'cn-1', balanceAfter: '25.05' })]);
  });

  it('CreditCustomerAccount re-delivered with an entryId already credited changes nothing', () => {
    spec.given(history).when(credit()).thenNothing();
    spec.given(history).when(credit({ amount: '99.00' })).thenNothing();
  });

  it('ApplyCustomerCredit of part of the balance applies it', () => {
    spec.given(history).when(applyCredit()).then([creditApplied()]);
  });

  it('ApplyCustomerCredit of exactly the balance empties it', () => {
    spec.given(history).when(applyCredit({ amount: '25.00' })).then([creditApplied({ amount: '25.00', balanceAfter: '0.00' })]);
  });

  it('ApplyCustomerCredit of more than the balance fails INSUFFICIENT_CREDIT', () => {
    spec.given(history).when(applyCredit({ amount: '25.01' })).thenThrows('INSUFFICIENT_CREDIT', /has 25\.00 USD of credit: 25\.01 cannot be applied to invoice inv-2/);
  });

  it('ApplyCustomerCredit in a currency without credit fails INSUFFICIENT_CREDIT: currencies never mix', () => {
    spec.given(history).when(applyCredit({ currency: 'EUR', amount: '1.00' })).thenThrows('INSUFFICIENT_CREDIT', /0\.00 EUR/);
  });

  it('ApplyCustomerCredit refuses bad data', () => {
    spec.given(history).when(applyCredit({ amount: '0' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given(history).when(applyCredit({ amount: '1.234' })).thenThrows('VALIDATION_FAILED', /decimal place/);
    spec.given(history).when(applyCredit({ invoiceId: '' })).thenThrows('VALIDATION_FAILED', /invoiceId/);
    spec.given(history).when(applyCredit({ applicationId: '' })).thenThrows('VALIDATION_FAILED', /applicationId/);
  });

  it('a command for another customer than the loaded stream is a programmer error, not a domain error', () => {
    expect(() => customerAccountDecider.decide(applyCredit({ customerId: 'cus-2' }), fold(customerAccountDecider, history))).toThrow(
      /decided on the stream of cus-1/,
    );
  });
});

describe('debits for refunds', () => {
  const history = [credited()];

  it('DebitCustomerAccount takes part of the balance back', () => {
    spec.given(history).when(debit()).then([debited()]);
    expect(fold(customerAccountDecider, [...history, debited()])).toMatchObject({ balances: { USD: '17.00' }, entryIds: ['entry-1', 'debit-1'] });
  });

  it('DebitCustomerAccount of exactly the balance empties it; one minor unit more fails INSUFFICIENT_CREDIT', () => {
    spec.given(history).when(debit({ amount: '25.00' })).then([debited({ amount: '25.00', balanceAfter: '0.00' })]);
    spec.given(history).when(debit({ amount: '25.01' })).thenThrows('INSUFFICIENT_CREDIT', /has 25\.00 USD of credit: 25\.01 cannot be taken back/);
  });

  it('DebitCustomerAccount draws only on the balance of its currency', () => {
    spec.given(history).when(debit({ currency: 'EUR', amount: '1.00' })).thenThrows('INSUFFICIENT_CREDIT', /0\.00 EUR/);
  });

  it('DebitCustomerAccount re-delivered with an entryId already debited changes nothing', () => {
    const after = [...history, debited()];
    spec.given(after).when(debit()).thenNothing();
    // The balance is now 17.00: a second debit under the same entry would be refused if it were decided again.
    spec.given(after).when(debit({ amount: '20.00' })).thenNothing();
  });

  it('DebitCustomerAccount with a new entry takes more, and the credit left can still be applied', () => {
    const after = [...history, debited()];
    spec.given(after).when(debit({ entryId: 'debit-2', amount: '17.00', sourceId: 'ref-2' })).then([debited({ entryId: 'debit-2', amount: '17.00', sourceId: 'ref-2', balanceAfter: '0.00' })]);
    spec.given(after).when(applyCredit({ amount: '17.00' })).then([creditApplied({ amount: '17.00', balanceAfter: '0.00' })]);
    spec.given(after).when(applyCredit({ amount: '17.01' })).thenThrows('INSUFFICIENT_CREDIT');
  });

  it('DebitCustomerAccount refuses bad data', () => {
    spec.given(history).when(debit({ amount: '0.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given(history).when(debit({ amount: '-1.00' })).thenThrows('VALIDATION_FAILED', /greater than 0/);
    spec.given(history).when(debit({ amount: '1.001' })).thenThrows('VALIDATION_FAILED', /decimal place/);
    spec.given(history).when(debit({ amount: unchecked(8) })).thenThrows('VALIDATION_FAILED', /decimal string/);
    spec.given(history).when(debit({ currency: 'usd' })).thenThrows('VALIDATION_FAILED', /currency/);
    spec.given(history).when(debit({ reason: unchecked('goodwill') })).thenThrows('VALIDATION_FAILED', /reason must be one of refund/);
    spec.given(history).when(debit({ sourceId: '' })).thenThrows('VALIDATION_FAILED', /sourceId/);
    spec.given(history).when(debit({ entryId: '' })).thenThrows('VALIDATION_FAILED', /entryId/);
    spec.given(history).when(debit({ customerId: '' })).thenThrows('VALIDATION_FAILED', /customerId/);
  });

  it('a debit for another customer than the loaded stream is a programmer error, not a domain error', () => {
    expect(() => customerAccountDecider.decide(debit({ customerId: 'cus-2' }), fold(customerAccountDecider, history))).toThrow(/decided on the stream of cus-1/);
  });
});

describe('after credit was applied', () => {
  const history = [credited(), creditApplied()];

  it('holds what is left', () => {
    expect(fold(customerAccountDecider, history)).toMatchObject({ balances: { USD: '15.00' }, applicationIds: ['app-1'] });
  });

  it('ApplyCustomerCredit re-delivered with an applicationId already applied changes nothing, even beyond the balance', () => {
    spec.given(history).when(applyCredit()).thenNothing();
    spec.given(history).when(applyCredit({ amount: '500.00' })).thenNothing();
  });

  it('ApplyCustomerCredit of the rest empties the balance; one minor unit more fails', () => {
    spec
      .given(history)
      .when(applyCredit({ applicationId: 'app-2', invoiceId: 'inv-3', amount: '15.00' }))
      .then([creditApplied({ applicationId: 'app-2', invoiceId: 'inv-3', amount: '15.00', balanceAfter: '0.00' })]);
    spec.given(history).when(applyCredit({ applicationId: 'app-2', amount: '15.01' })).thenThrows('INSUFFICIENT_CREDIT');
  });
});

describe('with credit in several currencies', () => {
  const history = [credited(), credited({ entryId: 'entry-2', amount: '1500', currency: 'JPY', balanceAfter: '1500' }), credited({ entryId: 'entry-3', amount: '0.125', currency: 'KWD', balanceAfter: '0.125' })];

  it('keeps one balance per currency, each to its minor unit', () => {
    const state = fold(customerAccountDecider, history);
    expect(state.balances).toEqual({ USD: '25.00', JPY: '1500', KWD: '0.125' });
    expect(customerCreditBalance(state, 'EUR')).toBe('0.00');
  });

  it('ApplyCustomerCredit draws only on the balance of its currency', () => {
    spec
      .given(history)
      .when(applyCredit({ currency: 'JPY', amount: '1000' }))
      .then([creditApplied({ currency: 'JPY', amount: '1000', balanceAfter: '500' })]);
    spec.given(history).when(applyCredit({ currency: 'JPY', amount: '1501' })).thenThrows('INSUFFICIENT_CREDIT', /1500 JPY/);
    spec.given(history).when(applyCredit({ currency: 'KWD', amount: '0.126' })).thenThrows('INSUFFICIENT_CREDIT', /0\.125 KWD/);
  });
});

describe('auto-apply on', () => {
  const history = [autoApplySet(true)];

  it('remembers the setting without any credit', () => {
    expect(fold(customerAccountDecider, history)).toMatchObject({ status: 'open', autoApplyCredit: true, balances: {} });
  });

  it('SetAutoApplyCredit on again records nothing; off turns it off', () => {
    spec.given(history).when(setAutoApply(true)).thenNothing();
    spec.given(history).when(setAutoApply(false)).then([autoApplySet(false)]);
  });

  it('CreditCustomerAccount still credits as usual', () => {
    spec.given(history).when(credit()).then([credited()]);
  });
});

describe('event contracts', () => {
  it('every event type is at schema version 1', () => {
    expect(Object.fromEntries(Object.entries(customerAccountEventSchemas).map(([type, schema]) => [type, schema.schemaVersion]))).toEqual({
      CustomerAccountCredited: 1,
      CustomerCreditApplied: 1,
      CustomerAccountDebited: 1,
      CustomerAutoApplyCreditSet: 1,
    });
  });

  it('every event the decider emits matches its zod schema', () => {
    const commands: CustomerAccountCommand[] = [credit(), applyCredit(), setAutoApply(true), credit({ entryId: 'entry-2', currency: 'JPY', amount: '300' }), debit()];
    let state = customerAccountDecider.initialState;
    const emitted: CustomerAccountEvent[] = [];
    for (const command of commands) {
      for (const event of customerAccountDecider.decide(command, state)) {
        emitted.push(event);
        state = customerAccountDecider.evolve(state, event);
      }
    }
    expect(emitted.map((event) => event.type)).toEqual([
      'CustomerAccountCredited',
      'CustomerCreditApplied',
      'CustomerAutoApplyCreditSet',
      'CustomerAccountCredited',
      'CustomerAccountDebited',
    ]);
    expect(new Set(emitted.map((event) => event.type))).toEqual(new Set(Object.keys(customerAccountEventSchemas)));
    for (const event of emitted) expect(customerAccountEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
  });

  it('the schemas reject amounts that are not decimal strings', () => {
    expect(customerAccountEventSchemas.CustomerCreditApplied.data.safeParse({ ...creditApplied().data, amount: 10 }).success).toBe(false);
  });
});
