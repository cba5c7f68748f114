import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { DomainError } from '../common/domain-error.js';
import type { SubscriptionCommand } from './subscription.commands.js';
import { subscriptionDecider } from './subscription.decider.js';
import type { ChargeLine, SubscriptionCreated, SubscriptionEvent } from './subscription.events.js';
import { commands, decideOn, eventsOfType, historyOf, instantOn, planTerms, stateOf, subscriptionId, withAddon, withBase } from './subscription.test-helper.js';

const spec = DeciderSpecification.for(subscriptionDecider);

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

const fibre100 = planTerms();
const fibre200 = planTerms({ planId: 'fibre-200', name: 'Fibre 200', unitPrice: '20.00' });
const fibre50 = planTerms({ planId: 'fibre-50', name: 'Fibre 50', unitPrice: '5.00' });
const staticIp = planTerms({ planId: 'static-ip', productId: 'static-ip', name: 'Static IP', serviceType: 'addon', unitPrice: '3.00' });

/** Monthly 10.00 in advance from 2025-04-01, created and activated that day. */
const created = (): SubscriptionEvent[] => historyOf([commands.create()]);
/** ...and April billed. */
const aprilBilled = (): SubscriptionEvent[] => historyOf([commands.create(), commands.bill('2025-04-01')]);
/** Monthly 10.00 in arrears from 2025-04-01. */
const inArrears = (): SubscriptionEvent[] => historyOf([commands.create(withBase(planTerms({ timing: 'in_arrears' })))]);

function decided(history: readonly SubscriptionEvent[], command: SubscriptionCommand): SubscriptionEvent[] {
  const outcome = decideOn(history, command);
  if (outcome instanceof DomainError) throw new Error(`expected events, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}

/** The figures of lines that a reader checks: kind, item, days, fraction and amount. */
const figures = (lines: readonly ChargeLine[]) =>
  lines.map(({ kind, itemId, periodStart, periodEnd, fraction, amount }) => ({ kind, itemId, periodStart, periodEnd, fraction, amount }));

describe('CreateSubscription', () => {
  const subscriptionCreated = (data: Partial<SubscriptionCreated['data']> = {}): SubscriptionCreated => ({
    type: 'SubscriptionCreated',
    data: {
      subscriptionId,
      customerId: 'cus-1',
      currency: 'USD',
      timeZone: 'UTC',
      timing: 'in_advance',
      items: [{ itemId: 'base', role: 'base', terms: fibre100, quantity: '1' }],
      startDate: '2025-04-01',
      alignment: 'anniversary',
      anchorDay: null,
      trialDays: 0,
      trialEnd: null,
      schedule: { cycle: { kind: 'monthly' }, anchorDate: '2025-04-01' },
      firstPeriod: { start: '2025-04-01', end: '2025-05-01' },
      createdOn: '2025-03-20',
      createdAt: instantOn('2025-03-20'),
      ...data,
    },
  });

  it('with a later start date records a pending subscription carrying its items, schedule and first period', () => {
    spec.given([]).when(commands.create({ today: '2025-03-20' })).then([subscriptionCreated()]);
    expect(stateOf([subscriptionCreated()])).toMatchObject({ status: 'pending', serviceStatus: 'pending', startDate: '2025-04-01' });
  });

  it('starting today activates it in the same decision, with the service', () => {
    spec
      .given([])
      .when(commands.create({ today: '2025-04-01' }))
      .then([
        subscriptionCreated({ createdOn: '2025-04-01', createdAt: instantOn('2025-04-01') }),
        {
          type: 'SubscriptionActivated',
          data: {
            subscriptionId,
            activatedOn: '2025-04-01',
            early: false,
            startDate: '2025-04-01',
            trialEnd: null,
            schedule: { cycle: { kind: 'monthly' }, anchorDate: '2025-04-01' },
            firstPeriod: { start: '2025-04-01', end: '2025-05-01' },
            activatedAt: instantOn('2025-04-01'),
          },
        },
        {
          type: 'ServiceActivated',
          data: {
            subscriptionId,
            customerId: 'cus-1',
            services: [{ itemId: 'base', productId: 'fibre', planId: 'fibre-100', planVersion: 1, serviceType: 'broadband', quantity: '1' }],
            status: 'active',
            previousStatus: 'pending',
            effectiveDate: '2025-04-01',
            reason: null,
            occurredAt: instantOn('2025-04-01'),
          },
        },
      ]);
  });

  it('backdated by up to 366 days is active at once; its periods since then are due', () => {
    const events = historyOf([commands.create({ startDate: '2024-04-01', today: '2025-04-01' })]);
    expect(events.map((event) => event.type)).toEqual(['SubscriptionCreated', 'SubscriptionActivated', 'ServiceActivated']);
    expect(stateOf(events)).toMatchObject({ status: 'active', firstPeriod: { start: '2024-04-01', end: '2024-05-01' } });
  });

  it('with a trial starts billing when the trial ends: the schedule is anchored on that day', () => {
    const [event] = decided([], commands.create({ today: '2025-03-01', startDate: '2025-04-10', ...withBase(planTerms({ trialDays: 14 })) }));
    expect(event).toMatchObject({
      data: { trialDays: 14, trialEnd: '2025-04-24', schedule: { anchorDate: '2025-04-24' }, firstPeriod: { start: '2025-04-24', end: '2025-05-24' } },
    });
  });

  it('calendar-aligned, starts with a partial first period up to the first of the next month', () => {
    const [event] = decided([], commands.create({ today: '2025-08-01', startDate: '2025-08-10', alignment: 'calendar' }));
    expect(event).toMatchObject({ data: { schedule: { anchorDate: '2025-08-01' }, firstPeriod: { start: '2025-08-10', end: '2025-09-01' } } });
  });

  it('records the time zone its dates are in (the tenant\'s when it subscribes), and UTC when none is given', () => {
    const [zoned] = decided([], commands.create({ today: '2025-03-20', timeZone: 'Pacific/Kiritimati' }));
    expect(zoned).toMatchObject({ data: { timeZone: 'Pacific/Kiritimati' } });
    expect(stateOf(zoned === undefined ? [] : [zoned]).timeZone).toBe('Pacific/Kiritimati');
    const [plain] = decided([], commands.create({ today: '2025-03-20' }));
    expect(plain).toMatchObject({ data: { timeZone: 'UTC' } });
  });

  it('with an anchor day, boundaries fall on that day', () => {
    const [event] = decided([], commands.create({ today: '2025-04-01', startDate: '2025-04-10', anchorDay: 1 }));
    expect(event).toMatchObject({ data: { anchorDay: 1, firstPeriod: { start: '2025-04-10', end: '2025-05-01' } } });
  });

  it('add-ons keep their own terms and quantity, after the base item', () => {
    const [event] = decided([], commands.create({ today: '2025-03-01', ...withAddon(staticIp, '2') }));
    expect(event).toMatchObject({
      data: {
        items: [
          { itemId: 'base', role: 'base', terms: fibre100, quantity: '1' },
          { itemId: 'ip', role: 'addon', terms: staticIp, quantity: '2' },
        ],
      },
    });
  });

  it.each([
    ['an add-on in another currency', withAddon({ ...staticIp, currency: 'EUR' }), 'CURRENCY_MISMATCH', /addons\[0\]\.terms\.currency EUR is not the subscription's currency USD/],
    ['a base plan in another currency', withBase({ ...fibre100, currency: 'EUR' }), 'CURRENCY_MISMATCH', /base\.terms\.currency EUR/],
    ['an add-on on another cycle', withAddon({ ...staticIp, cycle: { kind: 'annual' as const } }), 'VALIDATION_FAILED', /addons\[0\]\.terms\.cycle .* is not the base item's cycle/],
    ['an add-on billed in arrears under a base billed in advance', withAddon({ ...staticIp, timing: 'in_arrears' as const }), 'VALIDATION_FAILED', /addons\[0\]\.terms\.timing in_arrears is not the base item's timing/],
    ['two items with one id', { addons: [{ itemId: 'base', terms: staticIp, quantity: '1' }] }, 'VALIDATION_FAILED', /addons\[0\]\.itemId "base" is already used/],
    ['21 add-ons', { addons: Array.from({ length: 21 }, (_, index) => ({ itemId: `ip-${index}`, terms: staticIp, quantity: '1' })) }, 'VALIDATION_FAILED', /addons has at most 20 items/],
    ['a zero quantity', withBase(fibre100, '0'), 'VALIDATION_FAILED', /base\.quantity must be greater than 0/],
    ['a negative quantity', withBase(fibre100, '-1'), 'VALIDATION_FAILED', /base\.quantity must be greater than 0/],
    ['a quantity with 5 decimals', withBase(fibre100, '1.00001'), 'VALIDATION_FAILED', /base\.quantity .* at most 4/],
    ['a quantity as a number', withBase(fibre100, unchecked<string>(1)), 'VALIDATION_FAILED', /base\.quantity must be a decimal string/],
    ['a unit price with 3 decimals in USD', withBase({ ...fibre100, unitPrice: '10.001' }), 'VALIDATION_FAILED', /base\.terms\.unitPrice/],
    ['a negative unit price', withBase({ ...fibre100, unitPrice: '-10.00' }), 'VALIDATION_FAILED', /base\.terms\.unitPrice must not be negative/],
    ['a tax rate above 100', withBase({ ...fibre100, taxRate: '101' }), 'VALIDATION_FAILED', /base\.terms\.taxRate must be a percentage/],
    ['an unknown service type', withBase({ ...fibre100, serviceType: unchecked<'voice'>('fax') }), 'VALIDATION_FAILED', /base\.terms\.serviceType must be one of/],
    ['731 trial days', withBase({ ...fibre100, trialDays: 731 }), 'VALIDATION_FAILED', /base\.terms\.trialDays must be an integer from 0 to 730/],
    ['a blank plan name', withBase({ ...fibre100, name: ' ' }), 'VALIDATION_FAILED', /base\.terms\.name is required/],
    ['no terms', { base: unchecked<{ itemId: string; terms: typeof fibre100; quantity: string }>({ itemId: 'base', quantity: '1' }) }, 'VALIDATION_FAILED', /base\.terms must be an object/],
    ['an unknown alignment', { alignment: unchecked<'calendar'>('weekly') }, 'VALIDATION_FAILED', /alignment must be one of anniversary, calendar/],
    ['anchor day 32', { anchorDay: 32 }, 'VALIDATION_FAILED', /anchorDay must be an integer from 1 to 31/],
    ['a start date that is not a date', { startDate: '2025-02-30' }, 'VALIDATION_FAILED', /startDate must be a calendar date/],
    ['no today', { today: unchecked<string>(undefined), startDate: '2025-04-01' }, 'VALIDATION_FAILED', /today must be a calendar date/],
    ['a start 367 days back', { startDate: '2024-03-30', today: '2025-04-01' }, 'VALIDATION_FAILED', /startDate 2024-03-30 is more than 366 days before today/],
    ['a start 731 days ahead', { startDate: '2027-04-02', today: '2025-04-01' }, 'VALIDATION_FAILED', /startDate 2027-04-02 is more than 730 days after today/],
    ['an unsupported currency', { currency: 'XXX' }, 'VALIDATION_FAILED', /currency must be a supported ISO 4217/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'VALIDATION_FAILED', /timeZone must be an IANA time zone/],
    ['a UTC offset instead of a zone', { timeZone: '+05:30' }, 'VALIDATION_FAILED', /timeZone must be an IANA time zone/],
    ['a customer id with a space', { customerId: 'cus 1' }, 'VALIDATION_FAILED', /customerId must start with a letter/],
    ['an amount per period of 10^12', withBase({ ...fibre100, unitPrice: '999999999999.99' }, '2'), 'AMOUNT_OUT_OF_RANGE', /base\.quantity: the amount per period/],
    [
      'calendar alignment of a cycle of days',
      { alignment: 'calendar' as const, ...withBase({ ...fibre100, cycle: { kind: 'custom' as const, unit: 'days' as const, count: 14 } }) },
      'VALIDATION_FAILED',
      /alignment calendar is only for month-based cycles/,
    ],
  ])('refuses %s, recording nothing', (_case, data, code, message) => {
    spec.given([]).when(commands.create({ today: '2025-04-01', ...data })).thenThrows(code, message);
  });

  it('refuses a subscription id that exists (ALREADY_EXISTS) and one that was terminated (SUBSCRIPTION_TERMINATED)', () => {
    spec.given(created()).when(commands.create()).thenThrows('ALREADY_EXISTS', /Subscription sub-1 already exists \(status active\)/);
    spec.given(historyOf([commands.create(), commands.cancel('2025-04-01')])).when(commands.create()).thenThrows('SUBSCRIPTION_TERMINATED', /was terminated on 2025-04-01/);
  });

  it('refuses a command without metadata.now', () => {
    spec.given([]).when({ ...commands.create(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it('a command for another subscription on this stream is a programming error, not a domain error', () => {
    const state = stateOf(created());
    const otherStream: SubscriptionCommand = { type: 'ActivateSubscription', data: { subscriptionId: 'sub-2', today: '2025-04-02' }, metadata: { now: instantOn('2025-04-02') } };
    expect(() => subscriptionDecider.decide(otherStream, state)).toThrow(
      /was decided on the stream of sub-1/,
    );
  });
});

describe('any command but CreateSubscription', () => {
  const others: Array<[string, SubscriptionCommand]> = [
    ['ActivateSubscription', commands.activate('2025-04-02')],
    ['EndSubscriptionTrial', commands.endTrial('2025-04-02')],
    ['BillSubscriptionPeriod', commands.bill('2025-05-01')],
    ['ChangeSubscription', commands.change('2025-04-02', { quantity: '2' })],
    ['ApplyPendingChange', commands.applyPending('2025-04-02')],
    ['SuspendSubscription', commands.suspend('2025-04-02')],
    ['ResumeSubscription', commands.resume('2025-04-02')],
    ['CancelSubscription', commands.cancel('2025-04-02')],
    ['WithdrawCancellation', commands.withdraw('2025-04-02')],
    ['TerminateSubscription', commands.terminate('2025-05-01')],
  ];

  it.each(others)('%s on a subscription that does not exist is NOT_FOUND', (_name, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Subscription sub-1 does not exist/);
  });

  it.each(others)('%s on a terminated subscription is SUBSCRIPTION_TERMINATED', (_name, command) => {
    spec.given(historyOf([commands.create(), commands.cancel('2025-04-01', { creditUnusedTime: false })])).when(command).thenThrows('SUBSCRIPTION_TERMINATED', /accepts no more commands/);
  });

  it.each(others)('%s acting on a day before one the subscription already acted on is VALIDATION_FAILED', (_name, command) => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01', '2025-04-20')]);
    const earlier = unchecked<SubscriptionCommand>({ ...command, data: { ...command.data, today: '2025-04-19' } });
    spec.given(history).when(earlier).thenThrows('VALIDATION_FAILED', /today 2025-04-19 is before 2025-04-20, the latest day this subscription acted on/);
  });
});

describe('ActivateSubscription', () => {
  const pending = (): SubscriptionEvent[] => historyOf([commands.create({ today: '2025-03-20' })]);

  it('on the start date activates the subscription and its service, nothing moved', () => {
    const events = decided(pending(), commands.activate('2025-04-01'));
    expect(events.map((event) => event.type)).toEqual(['SubscriptionActivated', 'ServiceActivated']);
    expect(events[0]).toMatchObject({ data: { activatedOn: '2025-04-01', early: false, startDate: '2025-04-01', firstPeriod: { start: '2025-04-01', end: '2025-05-01' } } });
    expect(stateOf([...pending(), ...events])).toMatchObject({ status: 'active', serviceStatus: 'active' });
  });

  it('late (the scheduler was down) keeps the start date: billing starts on it', () => {
    const [event] = decided(pending(), commands.activate('2025-04-05'));
    expect(event).toMatchObject({ data: { activatedOn: '2025-04-05', early: false, startDate: '2025-04-01' } });
  });

  it('early moves the start, the trial and the schedule to today', () => {
    const history = historyOf([commands.create({ today: '2025-03-01', startDate: '2025-04-15', ...withBase(planTerms({ trialDays: 7 })) })]);
    const [event, service] = decided(history, commands.activate('2025-03-10'));
    expect(event).toEqual({
      type: 'SubscriptionActivated',
      data: {
        subscriptionId,
        activatedOn: '2025-03-10',
        early: true,
        startDate: '2025-03-10',
        trialEnd: '2025-03-17',
        schedule: { cycle: { kind: 'monthly' }, anchorDate: '2025-03-17' },
        firstPeriod: { start: '2025-03-17', end: '2025-04-17' },
        activatedAt: instantOn('2025-03-10'),
      },
    });
    expect(service).toMatchObject({ type: 'ServiceActivated', data: { effectiveDate: '2025-03-10' } });
  });

  it('refuses an active subscription (INVALID_STATE_TRANSITION)', () => {
    spec.given(created()).when(commands.activate('2025-04-02')).thenThrows('INVALID_STATE_TRANSITION', /only a pending subscription can be activated \(it is active\)/);
  });
});

describe('EndSubscriptionTrial', () => {
  const inTrial = (): SubscriptionEvent[] => historyOf([commands.create(withBase(planTerms({ trialDays: 14 })))]);

  it('on the trial end records it; the first period can then be billed', () => {
    spec
      .given(inTrial())
      .when(commands.endTrial('2025-04-15'))
      .then([
        {
          type: 'SubscriptionTrialEnded',
          data: { subscriptionId, trialEnd: '2025-04-15', endedOn: '2025-04-15', firstPeriod: { start: '2025-04-15', end: '2025-05-15' }, endedAt: instantOn('2025-04-15') },
        },
      ]);
  });

  it('refuses before the trial end (PERIOD_NOT_DUE), twice, without a trial, or before the start (INVALID_STATE_TRANSITION, SUBSCRIPTION_NOT_ACTIVE)', () => {
    spec.given(inTrial()).when(commands.endTrial('2025-04-14')).thenThrows('PERIOD_NOT_DUE', /the trial ends on 2025-04-15, not before/);
    const ended = historyOf([commands.create(withBase(planTerms({ trialDays: 14 }))), commands.endTrial('2025-04-15')]);
    spec.given(ended).when(commands.endTrial('2025-04-16')).thenThrows('INVALID_STATE_TRANSITION', /already ended/);
    spec.given(created()).when(commands.endTrial('2025-04-16')).thenThrows('INVALID_STATE_TRANSITION', /it has no trial/);
    const pending = historyOf([commands.create({ today: '2025-03-01', ...withBase(planTerms({ trialDays: 14 })) })]);
    spec.given(pending).when(commands.endTrial('2025-03-02')).thenThrows('SUBSCRIPTION_NOT_ACTIVE', /starts on 2025-04-01/);
  });

  it('a first period is not billed while the trial has not ended (INVALID_STATE_TRANSITION), and the trial days are never billed', () => {
    spec.given(inTrial()).when(commands.bill('2025-04-15')).thenThrows('INVALID_STATE_TRANSITION', /its trial ends on 2025-04-15: end the trial before billing/);
    const [bill] = decided(historyOf([commands.create(withBase(planTerms({ trialDays: 14 }))), commands.endTrial('2025-04-15')]), commands.bill('2025-04-15'));
    expect(bill).toMatchObject({ data: { period: { start: '2025-04-15', end: '2025-05-15' }, total: '10.00' } });
  });
});

describe('BillSubscriptionPeriod', () => {
  it('in advance bills the period at its start, one whole-period line per item', () => {
    spec
      .given(created())
      .when(commands.bill('2025-04-01'))
      .then([
        {
          type: 'SubscriptionPeriodBilled',
          data: {
            subscriptionId,
            customerId: 'cus-1',
            invoiceId: 'inv-2025-04-01',
            currency: 'USD',
            timing: 'in_advance',
            period: { start: '2025-04-01', end: '2025-05-01' },
            lines: [
              {
                lineId: 'L1',
                kind: 'recurring',
                itemId: 'base',
                planId: 'fibre-100',
                planVersion: 1,
                description: 'Fibre 100 (2025-04-01 to 2025-04-30, monthly)',
                quantity: '1',
                unitPrice: '10.00',
                amount: '10.00',
                taxRate: null,
                periodStart: '2025-04-01',
                periodEnd: '2025-05-01',
                fraction: null,
              },
            ],
            total: '10.00',
            billedOn: '2025-04-01',
            billedAt: instantOn('2025-04-01'),
          },
        },
      ]);
  });

  it('bills quantity x unit price per item and the setup fees on the first bill only', () => {
    const history = historyOf([
      commands.create({ ...withBase(planTerms({ setupFee: '49.00', taxRate: '20' })), ...withAddon({ ...staticIp, setupFee: '5.00' }, '2') }),
    ]);
    const [first] = eventsOfType(decided(history, commands.bill('2025-04-01')), 'SubscriptionPeriodBilled');
    const shown = first?.data.lines.map(({ lineId, kind, itemId, description, quantity, unitPrice, amount, taxRate }) => ({ lineId, kind, itemId, description, quantity, unitPrice, amount, taxRate }));
    expect(shown).toEqual([
      { lineId: 'L1', kind: 'recurring', itemId: 'base', description: 'Fibre 100 (2025-04-01 to 2025-04-30, monthly)', quantity: '1', unitPrice: '10.00', amount: '10.00', taxRate: '20' },
      { lineId: 'L2', kind: 'recurring', itemId: 'ip', description: 'Static IP (2025-04-01 to 2025-04-30, monthly)', quantity: '2', unitPrice: '3.00', amount: '6.00', taxRate: null },
      { lineId: 'L3', kind: 'setup_fee', itemId: 'base', description: 'Fibre 100 setup fee', quantity: '1', unitPrice: '49.00', amount: '49.00', taxRate: '20' },
      { lineId: 'L4', kind: 'setup_fee', itemId: 'ip', description: 'Static IP setup fee', quantity: '1', unitPrice: '5.00', amount: '5.00', taxRate: null },
    ]);
    expect(first?.data.total).toBe('70.00');
    const may = eventsOfType(
      historyOf([
        commands.create(withBase(planTerms({ setupFee: '49.00' }))),
        commands.bill('2025-04-01'),
        commands.bill('2025-05-01'),
      ]),
      'SubscriptionPeriodBilled',
    )[1];
    expect(may?.data.lines.map((line) => line.kind)).toEqual(['recurring']);
  });

  it('in arrears bills a period at its end, not before (PERIOD_NOT_DUE)', () => {
    spec.given(inArrears()).when(commands.bill('2025-04-01', '2025-04-30')).thenThrows('PERIOD_NOT_DUE', /billed in arrears: not before 2025-05-01 \(today is 2025-04-30\)/);
    const [bill] = decided(inArrears(), commands.bill('2025-04-01', '2025-05-01'));
    expect(bill).toMatchObject({ data: { timing: 'in_arrears', period: { start: '2025-04-01', end: '2025-05-01' }, total: '10.00' } });
  });

  it('in advance refuses a period before its start (PERIOD_NOT_DUE)', () => {
    spec.given(aprilBilled()).when(commands.bill('2025-05-01', '2025-04-30')).thenThrows('PERIOD_NOT_DUE', /billed in advance: not before 2025-05-01/);
  });

  it('refuses a period already billed (PERIOD_ALREADY_BILLED), even long after', () => {
    spec.given(aprilBilled()).when(commands.bill('2025-04-01', '2025-06-15')).thenThrows('PERIOD_ALREADY_BILLED', /The period from 2025-04-01 is already billed/);
  });

  it('bills periods strictly in order: a later one while an earlier is unbilled is PERIOD_NOT_DUE', () => {
    spec.given(created()).when(commands.bill('2025-05-01', '2025-05-02')).thenThrows('PERIOD_NOT_DUE', /cannot be billed before the period from 2025-04-01: periods are billed in order/);
  });

  it('after downtime bills the missed periods one by one, in order', () => {
    const missed = ['2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01'];
    const events = historyOf([commands.create(), ...missed.map((start) => commands.bill(start, '2025-07-02'))]);
    expect(eventsOfType(events, 'SubscriptionPeriodBilled').map((event) => event.data.period.start)).toEqual(['2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01']);
  });

  it('refuses a date that starts no period (VALIDATION_FAILED) and a bad invoice id', () => {
    spec.given(created()).when(commands.bill('2025-04-15')).thenThrows('VALIDATION_FAILED', /periodStart 2025-04-15 does not start a billing period of this subscription \(the next one starts on 2025-04-01\)/);
    spec.given(created()).when(commands.bill('2025-04-01', '2025-04-01', ' ')).thenThrows('VALIDATION_FAILED', /invoiceId/);
  });

  it('refuses a pending subscription (SUBSCRIPTION_NOT_ACTIVE)', () => {
    spec.given(historyOf([commands.create({ today: '2025-03-01' })])).when(commands.bill('2025-04-01', '2025-03-02')).thenThrows('SUBSCRIPTION_NOT_ACTIVE', /starts on 2025-04-01: it cannot be billed before it is active/);
  });

  it('refuses a period from the day of a scheduled cancellation (SUBSCRIPTION_CANCELLATION_SCHEDULED)', () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })]);
    spec.given(history).when(commands.bill('2025-05-01')).thenThrows('SUBSCRIPTION_CANCELLATION_SCHEDULED', /ends on 2025-05-01: the period from 2025-05-01 is not billed/);
  });

  it('refuses a period while a change due within it is pending (INVALID_STATE_TRANSITION): the change applies first', () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-10', { newTerms: fibre50, effective: 'default' })]);
    spec.given(history).when(commands.bill('2025-05-01')).thenThrows('INVALID_STATE_TRANSITION', /the change of item base due on 2025-05-01 must be applied before the period from 2025-05-01 is billed/);
  });

  it('adds the proration lines that were pending, renumbered, and clears them', () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-16', { newTerms: fibre200 })]);
    expect(stateOf(history).pendingLines.map((line) => line.lineId)).toEqual(['P1', 'P2']);
    const events = decided(history, commands.bill('2025-05-01'));
    const [bill] = eventsOfType(events, 'SubscriptionPeriodBilled');
    expect(bill?.data.lines.map(({ lineId, kind, amount }) => ({ lineId, kind, amount }))).toEqual([
      { lineId: 'L1', kind: 'recurring', amount: '20.00' },
      { lineId: 'L2', kind: 'proration_credit', amount: '-5.00' },
      { lineId: 'L3', kind: 'proration_charge', amount: '10.00' },
    ]);
    expect(bill?.data.total).toBe('25.00');
    expect(stateOf([...history, ...events]).pendingLines).toEqual([]);
  });
});

describe('ChangeSubscription', () => {
  it('an upgrade by default takes effect now; create_prorations puts the credit and the charge on the next invoice', () => {
    const events = decided(aprilBilled(), commands.change('2025-04-16', { newTerms: fibre200, effective: 'default' }));
    expect(events.map((event) => event.type)).toEqual(['SubscriptionChanged']);
    const [changed] = eventsOfType(events, 'SubscriptionChanged');
    expect(changed?.data).toMatchObject({ itemId: 'base', direction: 'upgrade', effectiveDate: '2025-04-16', prorationBehavior: 'create_prorations', replacedPendingChange: false });
    expect(changed?.data.previous).toEqual({ terms: fibre100, quantity: '1' });
    expect(changed?.data.pendingLines).toEqual([
      {
        lineId: 'P1',
        kind: 'proration_credit',
        itemId: 'base',
        planId: 'fibre-100',
        planVersion: 1,
        description: 'Unused time on Fibre 100 (2025-04-16 to 2025-04-30, 15/30 of monthly)',
        quantity: '1',
        unitPrice: '10.00',
        amount: '-5.00',
        taxRate: null,
        periodStart: '2025-04-16',
        periodEnd: '2025-05-01',
        fraction: { days: 15, periodDays: 30 },
      },
      {
        lineId: 'P2',
        kind: 'proration_charge',
        itemId: 'base',
        planId: 'fibre-200',
        planVersion: 1,
        description: 'Remaining time on Fibre 200 (2025-04-16 to 2025-04-30, 15/30 of monthly)',
        quantity: '1',
        unitPrice: '20.00',
        amount: '10.00',
        taxRate: null,
        periodStart: '2025-04-16',
        periodEnd: '2025-05-01',
        fraction: { days: 15, periodDays: 30 },
      },
    ]);
  });

  it('always_invoice asks for an invoice of the two lines now, and leaves nothing pending', () => {
    const events = decided(aprilBilled(), commands.change('2025-04-16', { newTerms: fibre200, prorationBehavior: 'always_invoice', invoiceId: 'inv-upgrade' }));
    expect(events.map((event) => event.type)).toEqual(['SubscriptionChanged', 'SubscriptionChangeInvoiced']);
    const [invoiced] = eventsOfType(events, 'SubscriptionChangeInvoiced');
    expect(invoiced?.data).toMatchObject({ invoiceId: 'inv-upgrade', reason: 'change', total: '5.00', invoicedOn: '2025-04-16', customerId: 'cus-1', currency: 'USD' });
    expect(invoiced?.data.lines.map(({ lineId, amount }) => ({ lineId, amount }))).toEqual([
      { lineId: 'L1', amount: '-5.00' },
      { lineId: 'L2', amount: '10.00' },
    ]);
    expect(stateOf([...aprilBilled(), ...events]).pendingLines).toEqual([]);
  });

  it("'none' makes no lines: the billed days stay billed at the old price, and a later proration credits what was billed", () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-11', { newTerms: fibre200, prorationBehavior: 'none' })]);
    expect(eventsOfType(history, 'SubscriptionChanged')[0]?.data.pendingLines).toEqual([]);
    const [changed] = eventsOfType(decided(history, commands.change('2025-04-21', { newTerms: fibre50, effective: 'now' })), 'SubscriptionChanged');
    // 10 days left of 30: the credit is for Fibre 100 as billed (3.33), not for Fibre 200 (6.67).
    expect(figures(changed?.data.pendingLines ?? [])).toEqual([
      { kind: 'proration_credit', itemId: 'base', periodStart: '2025-04-21', periodEnd: '2025-05-01', fraction: { days: 10, periodDays: 30 }, amount: '-3.33' },
      { kind: 'proration_charge', itemId: 'base', periodStart: '2025-04-21', periodEnd: '2025-05-01', fraction: { days: 10, periodDays: 30 }, amount: '1.67' },
    ]);
  });

  it('a downgrade by default waits for the period end as a pending change', () => {
    spec
      .given(aprilBilled())
      .when(commands.change('2025-04-16', { newTerms: fibre50, effective: 'default' }))
      .then([
        {
          type: 'SubscriptionChangeScheduled',
          data: {
            subscriptionId,
            itemId: 'base',
            previous: { terms: fibre100, quantity: '1' },
            terms: fibre50,
            quantity: '1',
            direction: 'downgrade',
            effectiveDate: '2025-05-01',
            replacedPendingChange: false,
            scheduledOn: '2025-04-16',
            scheduledAt: instantOn('2025-04-16'),
          },
        },
      ]);
  });

  it('a plan at the same price by default also waits (only a strictly higher amount is an upgrade)', () => {
    const [event] = decided(aprilBilled(), commands.change('2025-04-16', { newTerms: { ...fibre100, planId: 'fibre-100-promo', name: 'Fibre 100 Promo' }, effective: 'default' }));
    expect(event).toMatchObject({ type: 'SubscriptionChangeScheduled', data: { direction: 'unchanged', effectiveDate: '2025-05-01' } });
  });

  it("'period_end' makes even an upgrade wait; 'now' makes a downgrade immediate with a net credit", () => {
    expect(decided(aprilBilled(), commands.change('2025-04-16', { newTerms: fibre200, effective: 'period_end' }))[0]).toMatchObject({ type: 'SubscriptionChangeScheduled' });
    const [changed] = eventsOfType(decided(aprilBilled(), commands.change('2025-04-16', { newTerms: fibre50, effective: 'now' })), 'SubscriptionChanged');
    expect(changed?.data.direction).toBe('downgrade');
    expect(changed?.data.pendingLines.map((line) => line.amount)).toEqual(['-5.00', '2.50']);
  });

  it('a quantity change is a change like any other: more is an upgrade, prorated per unit', () => {
    const [changed] = eventsOfType(decided(aprilBilled(), commands.change('2025-04-16', { quantity: '3', effective: 'default' })), 'SubscriptionChanged');
    expect(changed?.data).toMatchObject({ direction: 'upgrade', terms: fibre100, quantity: '3' });
    expect(changed?.data.pendingLines.map(({ quantity, amount }) => ({ quantity, amount }))).toEqual([
      { quantity: '1', amount: '-5.00' },
      { quantity: '3', amount: '15.00' },
    ]);
  });

  it('changes one add-on without touching the other items', () => {
    const history = historyOf([commands.create(withAddon(staticIp)), commands.bill('2025-04-01')]);
    const [changed] = eventsOfType(decided(history, commands.change('2025-04-16', { itemId: 'ip', quantity: '2' })), 'SubscriptionChanged');
    expect(figures(changed?.data.pendingLines ?? []).map(({ itemId, amount }) => ({ itemId, amount }))).toEqual([
      { itemId: 'ip', amount: '-1.50' },
      { itemId: 'ip', amount: '3.00' },
    ]);
  });

  it('in arrears makes no proration line: the period bills each price for its own days', () => {
    const arrears200 = { ...fibre200, timing: 'in_arrears' as const };
    const changedHistory = historyOf([commands.create(withBase(planTerms({ timing: 'in_arrears' }))), commands.change('2025-04-16', { newTerms: arrears200 })]);
    expect(eventsOfType(changedHistory, 'SubscriptionChanged')[0]?.data.pendingLines).toEqual([]);
    const [bill] = eventsOfType(decided(changedHistory, commands.bill('2025-04-01', '2025-05-01')), 'SubscriptionPeriodBilled');
    expect(bill?.data.lines.map(({ kind, description, amount }) => ({ kind, description, amount }))).toEqual([
      { kind: 'recurring', description: 'Fibre 100 (2025-04-01 to 2025-04-15, 15/30 of monthly)', amount: '5.00' },
      { kind: 'recurring', description: 'Fibre 200 (2025-04-16 to 2025-04-30, 15/30 of monthly)', amount: '10.00' },
    ]);
  });

  it('before billing starts (pending, or in trial) takes effect at once, whatever `effective` says, without lines', () => {
    const pending = historyOf([commands.create({ today: '2025-03-01' })]);
    const [atStart] = decided(pending, commands.change('2025-03-05', { newTerms: fibre50, effective: 'period_end' }));
    expect(atStart).toMatchObject({ type: 'SubscriptionChanged', data: { effectiveDate: '2025-04-01', pendingLines: [] } });
    const trial = historyOf([commands.create(withBase(planTerms({ trialDays: 14 })))]);
    const [inTrial] = decided(trial, commands.change('2025-04-05', { newTerms: { ...fibre50, trialDays: 14 }, effective: 'default' }));
    expect(inTrial).toMatchObject({ type: 'SubscriptionChanged', data: { effectiveDate: '2025-04-05', pendingLines: [] } });
  });

  it('a second pending change for an item replaces the first; changing back to the current terms withdraws it', () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-10', { newTerms: fibre50, effective: 'period_end' })]);
    const [replaced] = decided(history, commands.change('2025-04-12', { quantity: '2', newTerms: fibre50, effective: 'period_end' }));
    expect(replaced).toMatchObject({ type: 'SubscriptionChangeScheduled', data: { replacedPendingChange: true, quantity: '2' } });
    const withdrawn = decided(history, commands.change('2025-04-12', { newTerms: fibre100, effective: 'period_end' }));
    expect(withdrawn).toMatchObject([{ type: 'SubscriptionChanged', data: { replacedPendingChange: true, direction: 'unchanged', pendingLines: [] } }]);
    expect(stateOf([...history, ...withdrawn]).pendingChanges).toEqual([]);
  });

  it.each([
    ['no new terms and no quantity', { newTerms: null, quantity: null }, 'VALIDATION_FAILED', /A change needs newTerms, quantity or both/],
    ['the same terms and quantity', { newTerms: fibre100, quantity: '1' }, 'VALIDATION_FAILED', /leaves item base as it is/],
    ['another currency', { newTerms: { ...fibre200, currency: 'EUR' } }, 'CURRENCY_MISMATCH', /newTerms\.currency EUR is not the subscription's currency USD/],
    ['another cycle', { newTerms: { ...fibre200, cycle: { kind: 'quarterly' as const } } }, 'VALIDATION_FAILED', /newTerms\.cycle .* is not the base item's cycle/],
    ['another timing', { newTerms: { ...fibre200, timing: 'in_arrears' as const } }, 'VALIDATION_FAILED', /newTerms\.timing in_arrears/],
    ['an unknown item', { itemId: 'tv' }, 'NOT_FOUND', /has no item "tv"/],
    ['always_invoice without an invoice id', { newTerms: fibre200, prorationBehavior: 'always_invoice' as const, invoiceId: null }, 'VALIDATION_FAILED', /invoiceId is required/],
    ['an unknown effective', { newTerms: fibre200, effective: unchecked<'now'>('tomorrow') }, 'VALIDATION_FAILED', /effective must be one of now, period_end, default/],
    ['an unknown behaviour', { newTerms: fibre200, prorationBehavior: unchecked<'none'>('sometimes') }, 'VALIDATION_FAILED', /prorationBehavior must be one of/],
    ['a quantity of 0', { quantity: '0' }, 'VALIDATION_FAILED', /quantity must be greater than 0/],
  ])('refuses %s', (_case, data, code, message) => {
    spec.given(aprilBilled()).when(commands.change('2025-04-16', data)).thenThrows(code, message);
  });

  it('refuses while a cancellation is scheduled (SUBSCRIPTION_CANCELLATION_SCHEDULED)', () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })]);
    spec.given(history).when(commands.change('2025-04-16', { newTerms: fibre200 })).thenThrows('SUBSCRIPTION_CANCELLATION_SCHEDULED', /cancelled from 2025-05-01: withdraw the cancellation to change it/);
  });
});

describe('ApplyPendingChange', () => {
  const scheduled = (): SubscriptionEvent[] => historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-16', { newTerms: fibre50, effective: 'default' })]);

  it('at the period end applies the change from that day; the new period bills the new price', () => {
    const events = decided(scheduled(), commands.applyPending('2025-05-01'));
    expect(events).toEqual([
      {
        type: 'SubscriptionPendingChangesApplied',
        data: {
          subscriptionId,
          changes: [{ itemId: 'base', previous: { terms: fibre100, quantity: '1' }, terms: fibre50, quantity: '1', effectiveDate: '2025-05-01' }],
          appliedOn: '2025-05-01',
          appliedAt: instantOn('2025-05-01'),
        },
      },
    ]);
    const [bill] = eventsOfType(decided([...scheduled(), ...events], commands.bill('2025-05-01')), 'SubscriptionPeriodBilled');
    expect(bill?.data.lines.map(({ planId, amount }) => ({ planId, amount }))).toEqual([{ planId: 'fibre-50', amount: '5.00' }]);
  });

  it('late (the scheduler was down) still applies from the period end', () => {
    const [event] = decided(scheduled(), commands.applyPending('2025-05-03'));
    expect(event).toMatchObject({ data: { appliedOn: '2025-05-03', changes: [{ effectiveDate: '2025-05-01' }] } });
  });

  it('refuses before the period end (PERIOD_NOT_DUE) and without a pending change (INVALID_STATE_TRANSITION)', () => {
    spec.given(scheduled()).when(commands.applyPending('2025-04-30')).thenThrows('PERIOD_NOT_DUE', /the next pending change takes effect on 2025-05-01/);
    spec.given(aprilBilled()).when(commands.applyPending('2025-05-01')).thenThrows('INVALID_STATE_TRANSITION', /it has no pending change/);
  });
});

describe('SuspendSubscription and ResumeSubscription', () => {
  it('continue_billing suspends the service only: no line, and the next period bills in full', () => {
    const events = decided(aprilBilled(), commands.suspend('2025-04-11', 'continue_billing', 'Dunning step 2'));
    expect(events).toEqual([
      { type: 'SubscriptionSuspended', data: { subscriptionId, policy: 'continue_billing', reason: 'Dunning step 2', suspendedOn: '2025-04-11', pendingLines: [], suspendedAt: instantOn('2025-04-11') } },
      {
        type: 'ServiceSuspended',
        data: {
          subscriptionId,
          customerId: 'cus-1',
          services: [{ itemId: 'base', productId: 'fibre', planId: 'fibre-100', planVersion: 1, serviceType: 'broadband', quantity: '1' }],
          status: 'suspended',
          previousStatus: 'active',
          effectiveDate: '2025-04-11',
          reason: 'Dunning step 2',
          occurredAt: instantOn('2025-04-11'),
        },
      },
    ]);
    const [bill] = eventsOfType(decided([...aprilBilled(), ...events], commands.bill('2025-05-01')), 'SubscriptionPeriodBilled');
    expect(bill?.data.total).toBe('10.00');
  });

  it('pause_billing credits the billed days from the suspension; periods billed while paused bill nothing; resume charges the rest of the period', () => {
    const suspended = historyOf([commands.create(), commands.bill('2025-04-01'), commands.suspend('2025-04-21')]);
    expect(figures(eventsOfType(suspended, 'SubscriptionSuspended')[0]?.data.pendingLines ?? [])).toEqual([
      { kind: 'proration_credit', itemId: 'base', periodStart: '2025-04-21', periodEnd: '2025-05-01', fraction: { days: 10, periodDays: 30 }, amount: '-3.33' },
    ]);
    const mayBilled = historyOf([commands.create(), commands.bill('2025-04-01'), commands.suspend('2025-04-21'), commands.bill('2025-05-01')]);
    const [mayBill] = eventsOfType(mayBilled.slice(suspended.length), 'SubscriptionPeriodBilled');
    expect(mayBill?.data.lines.map(({ kind, amount }) => ({ kind, amount }))).toEqual([{ kind: 'proration_credit', amount: '-3.33' }]);
    const resumed = decided(mayBilled, commands.resume('2025-05-17'));
    expect(resumed.map((event) => event.type)).toEqual(['SubscriptionResumed', 'ServiceResumed']);
    expect(resumed[0]).toMatchObject({ data: { policy: 'pause_billing', suspendedOn: '2025-04-21', resumedOn: '2025-05-17' } });
    const [resumedEvent] = eventsOfType(resumed, 'SubscriptionResumed');
    expect(figures(resumedEvent?.data.pendingLines ?? [])).toEqual([
      { kind: 'proration_charge', itemId: 'base', periodStart: '2025-05-17', periodEnd: '2025-06-01', fraction: { days: 15, periodDays: 31 }, amount: '4.84' },
    ]);
  });

  it('pause_billing in arrears leaves the paused days out of the period bill', () => {
    const history = historyOf([
      commands.create(withBase(planTerms({ timing: 'in_arrears' }))),
      commands.suspend('2025-04-11'),
      commands.resume('2025-04-21'),
    ]);
    expect(eventsOfType(history, 'SubscriptionSuspended')[0]?.data.pendingLines).toEqual([]);
    const [bill] = eventsOfType(decided(history, commands.bill('2025-04-01', '2025-05-01')), 'SubscriptionPeriodBilled');
    expect(bill?.data.lines.map(({ periodStart, periodEnd, amount }) => ({ periodStart, periodEnd, amount }))).toEqual([
      { periodStart: '2025-04-01', periodEnd: '2025-04-11', amount: '3.33' },
      { periodStart: '2025-04-21', periodEnd: '2025-05-01', amount: '3.33' },
    ]);
  });

  it('refuses to suspend twice or a pending subscription (SUBSCRIPTION_NOT_ACTIVE), and to resume an active one (SUBSCRIPTION_NOT_SUSPENDED)', () => {
    const suspended = historyOf([commands.create(), commands.suspend('2025-04-05')]);
    spec.given(suspended).when(commands.suspend('2025-04-06')).thenThrows('SUBSCRIPTION_NOT_ACTIVE', /already suspended \(since 2025-04-05\)/);
    spec.given(historyOf([commands.create({ today: '2025-03-01' })])).when(commands.suspend('2025-03-02')).thenThrows('SUBSCRIPTION_NOT_ACTIVE', /cannot be suspended before it is active/);
    spec.given(created()).when(commands.resume('2025-04-02')).thenThrows('SUBSCRIPTION_NOT_SUSPENDED', /is not suspended \(it is active\)/);
  });

  it('refuses an unknown policy and a blank reason', () => {
    spec.given(created()).when(commands.suspend('2025-04-02', unchecked<'pause_billing'>('stop'))).thenThrows('VALIDATION_FAILED', /policy must be one of continue_billing, pause_billing/);
    spec.given(created()).when(commands.suspend('2025-04-02', 'pause_billing', ' ')).thenThrows('VALIDATION_FAILED', /reason is required and must not be empty/);
  });
});

describe('CancelSubscription', () => {
  it("'period_end' schedules the termination at the end of the current period and drops pending changes", () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-05', { newTerms: fibre50, effective: 'period_end' })]);
    spec
      .given(history)
      .when(commands.cancel('2025-04-10', { at: 'period_end', invoiceId: null }))
      .then([
        {
          type: 'SubscriptionCancellationScheduled',
          data: { subscriptionId, cancelAt: '2025-05-01', requestedOn: '2025-04-10', discardedPendingChanges: ['base'], scheduledAt: instantOn('2025-04-10') },
        },
      ]);
  });

  it("'period_end' during a trial ends the subscription with the trial; on a pending subscription it cancels now", () => {
    const trial = historyOf([commands.create(withBase(planTerms({ trialDays: 14 })))]);
    expect(decided(trial, commands.cancel('2025-04-03', { at: 'period_end' }))[0]).toMatchObject({ data: { cancelAt: '2025-04-15' } });
    const pending = historyOf([commands.create({ today: '2025-03-01' })]);
    expect(decided(pending, commands.cancel('2025-03-02', { at: 'period_end', invoiceId: null })).map((event) => event.type)).toEqual(['SubscriptionTerminated', 'ServiceTerminated']);
  });

  it("refuses a second 'period_end' (SUBSCRIPTION_CANCELLATION_SCHEDULED), but 'now' still ends it at once", () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })]);
    spec.given(history).when(commands.cancel('2025-04-12', { at: 'period_end' })).thenThrows('SUBSCRIPTION_CANCELLATION_SCHEDULED', /already cancelled from 2025-05-01/);
    expect(decided(history, commands.cancel('2025-04-12', { creditUnusedTime: false })).map((event) => event.type)).toEqual(['SubscriptionTerminated', 'ServiceTerminated']);
  });

  it("'now' with creditUnusedTime credits the unused days of the period billed in advance, then terminates today", () => {
    const events = decided(aprilBilled(), commands.cancel('2025-04-21'));
    expect(events.map((event) => event.type)).toEqual(['SubscriptionChangeInvoiced', 'SubscriptionTerminated', 'ServiceTerminated']);
    const [invoiced] = eventsOfType(events, 'SubscriptionChangeInvoiced');
    expect(invoiced?.data).toMatchObject({ invoiceId: 'inv-cancel-2025-04-21', reason: 'cancellation', total: '-3.33' });
    expect(figures(invoiced?.data.lines ?? [])).toEqual([
      { kind: 'proration_credit', itemId: 'base', periodStart: '2025-04-21', periodEnd: '2025-05-01', fraction: { days: 10, periodDays: 30 }, amount: '-3.33' },
    ]);
    expect(events[1]).toEqual({
      type: 'SubscriptionTerminated',
      data: { subscriptionId, customerId: 'cus-1', reason: 'cancelled_now', terminatedOn: '2025-04-21', creditUnusedTime: true, terminatedAt: instantOn('2025-04-21') },
    });
    expect(events[2]).toMatchObject({ data: { status: 'terminated', previousStatus: 'active', effectiveDate: '2025-04-21' } });
    expect(stateOf([...aprilBilled(), ...events])).toMatchObject({ status: 'terminated', serviceStatus: 'terminated', terminatedOn: '2025-04-21' });
  });

  it("'now' without creditUnusedTime credits nothing: no invoice", () => {
    expect(decided(aprilBilled(), commands.cancel('2025-04-21', { creditUnusedTime: false })).map((event) => event.type)).toEqual(['SubscriptionTerminated', 'ServiceTerminated']);
  });

  it("'now' in arrears bills the used part of the period, with the pending lines", () => {
    const [invoiced] = eventsOfType(decided(inArrears(), commands.cancel('2025-04-16')), 'SubscriptionChangeInvoiced');
    expect(figures(invoiced?.data.lines ?? [])).toEqual([
      { kind: 'recurring', itemId: 'base', periodStart: '2025-04-01', periodEnd: '2025-04-16', fraction: { days: 15, periodDays: 30 }, amount: '5.00' },
    ]);
  });

  it("'now' applies a pending change that is due before settling", () => {
    const history = historyOf([
      commands.create(withBase(planTerms({ timing: 'in_arrears' }))),
      commands.change('2025-04-10', { newTerms: { ...fibre50, timing: 'in_arrears' }, effective: 'period_end' }),
      commands.bill('2025-04-01', '2025-05-01'),
    ]);
    const events = decided(history, commands.cancel('2025-05-11'));
    expect(events.map((event) => event.type)).toEqual(['SubscriptionPendingChangesApplied', 'SubscriptionChangeInvoiced', 'SubscriptionTerminated', 'ServiceTerminated']);
    expect(eventsOfType(events, 'SubscriptionChangeInvoiced')[0]?.data.lines.map(({ planId, amount }) => ({ planId, amount }))).toEqual([{ planId: 'fibre-50', amount: '1.61' }]);
  });

  it("refuses 'now' while an earlier period is unbilled (INVALID_STATE_TRANSITION), without an invoice id, or without a boolean setting", () => {
    spec.given(inArrears()).when(commands.cancel('2025-05-03')).thenThrows('INVALID_STATE_TRANSITION', /the period from 2025-04-01 must be billed before it is cancelled/);
    spec.given(aprilBilled()).when(commands.cancel('2025-04-21', { invoiceId: null })).thenThrows('VALIDATION_FAILED', /invoiceId is required/);
    spec.given(aprilBilled()).when(commands.cancel('2025-04-21', { creditUnusedTime: unchecked<boolean>('yes') })).thenThrows('VALIDATION_FAILED', /creditUnusedTime must be true or false/);
    spec.given(aprilBilled()).when(commands.cancel('2025-04-21', { at: unchecked<'now'>('later') })).thenThrows('VALIDATION_FAILED', /at must be one of now, period_end/);
  });
});

describe('WithdrawCancellation and TerminateSubscription', () => {
  const cancelling = (): SubscriptionEvent[] => historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })]);

  it('a withdrawal before the day takes the cancellation back: the next period bills again', () => {
    const events = decided(cancelling(), commands.withdraw('2025-04-20'));
    expect(events).toEqual([{ type: 'SubscriptionCancellationWithdrawn', data: { subscriptionId, cancelAt: '2025-05-01', withdrawnOn: '2025-04-20', withdrawnAt: instantOn('2025-04-20') } }]);
    expect(decided([...cancelling(), ...events], commands.bill('2025-05-01'))[0]).toMatchObject({ type: 'SubscriptionPeriodBilled' });
  });

  it('refuses a withdrawal without a cancellation, or from its day on (INVALID_STATE_TRANSITION)', () => {
    spec.given(aprilBilled()).when(commands.withdraw('2025-04-20')).thenThrows('INVALID_STATE_TRANSITION', /no scheduled cancellation to withdraw/);
    spec.given(cancelling()).when(commands.withdraw('2025-05-01')).thenThrows('INVALID_STATE_TRANSITION', /took effect on 2025-05-01/);
  });

  it('terminates on the day, with the pending lines invoiced', () => {
    const history = historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-05', { quantity: '2' }), commands.cancel('2025-04-10', { at: 'period_end' })]);
    const events = decided(history, commands.terminate('2025-05-01'));
    expect(events.map((event) => event.type)).toEqual(['SubscriptionChangeInvoiced', 'SubscriptionTerminated', 'ServiceTerminated']);
    // 26 of 30 days: -8.67 for one unit, +17.33 for two, each rounded once.
    expect(events[0]).toMatchObject({ data: { reason: 'termination', invoiceId: 'inv-end-2025-05-01', total: '8.66' } });
    expect(eventsOfType(events, 'SubscriptionChangeInvoiced')[0]?.data.lines.map((line) => line.amount)).toEqual(['-8.67', '17.33']);
    expect(events[1]).toMatchObject({ data: { reason: 'cancelled_at_period_end', terminatedOn: '2025-05-01', creditUnusedTime: null } });
  });

  it('late, still terminates on the day of the cancellation', () => {
    expect(decided(cancelling(), commands.terminate('2025-05-04'))[0]).toMatchObject({ data: { terminatedOn: '2025-05-01' } });
  });

  it('refuses before the day (PERIOD_NOT_DUE), without a cancellation, and before an in-arrears period ending that day is billed (INVALID_STATE_TRANSITION)', () => {
    spec.given(cancelling()).when(commands.terminate('2025-04-30')).thenThrows('PERIOD_NOT_DUE', /terminates on 2025-05-01, not before/);
    spec.given(aprilBilled()).when(commands.terminate('2025-05-01')).thenThrows('INVALID_STATE_TRANSITION', /no scheduled cancellation/);
    const arrears = historyOf([commands.create(withBase(planTerms({ timing: 'in_arrears' }))), commands.cancel('2025-04-10', { at: 'period_end' })]);
    spec.given(arrears).when(commands.terminate('2025-05-01')).thenThrows('INVALID_STATE_TRANSITION', /the period from 2025-04-01 must be billed before it terminates on 2025-05-01/);
    const billed = historyOf([commands.create(withBase(planTerms({ timing: 'in_arrears' }))), commands.cancel('2025-04-10', { at: 'period_end' }), commands.bill('2025-04-01', '2025-05-01')]);
    expect(decided(billed, commands.terminate('2025-05-01')).map((event) => event.type)).toEqual(['SubscriptionTerminated', 'ServiceTerminated']);
  });
});
