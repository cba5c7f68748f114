import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { subscriptionDecider } from './subscription.decider.js';
import { commandForDueWork, currentPeriod, dueWork, nextBillDate } from './subscription.due-work.js';
import { subscriptionEventSchemas, type SubscriptionEvent } from './subscription.events.js';
import { previewChange, upcomingCharges } from './subscription.preview.js';
import { commands, eventsOfType, historyOf, planTerms, stateOf, subscriptionId, withBase } from './subscription.test-helper.js';

const fibre50 = planTerms({ planId: 'fibre-50', name: 'Fibre 50', unitPrice: '5.00' });
const fibre200 = planTerms({ planId: 'fibre-200', name: 'Fibre 200', unitPrice: '20.00' });
const arrears = planTerms({ timing: 'in_arrears' });

describe('dueWork', () => {
  it('a pending subscription with a trial: activate, end the trial, then bill the first period when the trial ends', () => {
    const state = stateOf(historyOf([commands.create({ today: '2025-03-01', ...withBase(planTerms({ trialDays: 14 })) })]));
    expect(dueWork(state)).toEqual([
      { subscriptionId, kind: 'activate', dueDate: '2025-04-01', key: 'activate:2025-04-01', periodStart: null },
      { subscriptionId, kind: 'end_trial', dueDate: '2025-04-15', key: 'end_trial:2025-04-15', periodStart: null },
      { subscriptionId, kind: 'bill_period', dueDate: '2025-04-15', key: 'bill_period:2025-04-15', periodStart: '2025-04-15' },
    ]);
  });

  it('on one day, a pending change applies before the period that starts that day is billed', () => {
    const state = stateOf(historyOf([commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-10', { newTerms: fibre50, effective: 'default' })]));
    expect(dueWork(state).map((work) => work.key)).toEqual(['apply_pending_change:2025-05-01', 'bill_period:2025-05-01']);
  });

  it('in arrears, the period ending on the day of a cancellation is billed before the termination', () => {
    const state = stateOf(historyOf([commands.create(withBase(arrears)), commands.cancel('2025-04-10', { at: 'period_end' })]));
    expect(dueWork(state).map(({ kind, dueDate }) => ({ kind, dueDate }))).toEqual([
      { kind: 'bill_period', dueDate: '2025-05-01' },
      { kind: 'terminate', dueDate: '2025-05-01' },
    ]);
  });

  it('in advance, nothing from the day of a cancellation is billed: only the termination is due', () => {
    const state = stateOf(historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })]));
    expect(dueWork(state).map((work) => work.key)).toEqual(['terminate:2025-05-01']);
    expect(nextBillDate(state)).toBeNull();
  });

  it('a cancellation at the end of a trial drops the end of the trial and the first bill', () => {
    const state = stateOf(historyOf([commands.create(withBase(planTerms({ trialDays: 14 }))), commands.cancel('2025-04-03', { at: 'period_end' })]));
    expect(dueWork(state).map((work) => work.key)).toEqual(['terminate:2025-04-15']);
  });

  it('nothing for a terminated subscription or one that does not exist', () => {
    expect(dueWork(stateOf(historyOf([commands.create(), commands.cancel('2025-04-02')])))).toEqual([]);
    expect(dueWork(subscriptionDecider.initialState)).toEqual([]);
  });

  it('keys are stable: the same work has the same key however often it is listed, and the next period has the next key', () => {
    const history = historyOf([commands.create()]);
    expect(dueWork(stateOf(history))).toEqual(dueWork(stateOf(history)));
    expect(dueWork(stateOf(historyOf([commands.create(), commands.bill('2025-04-01')])))[0]?.key).toBe('bill_period:2025-05-01');
  });

  it('commandForDueWork makes the command each kind names', () => {
    const input = { today: '2025-05-01', now: '2025-05-01T00:05:00.000Z', invoiceId: 'inv-x' };
    const kinds = ['activate', 'end_trial', 'apply_pending_change', 'bill_period', 'terminate'] as const;
    const work = (kind: (typeof kinds)[number]) => ({ subscriptionId, kind, dueDate: '2025-05-01', key: `${kind}:2025-05-01`, periodStart: kind === 'bill_period' ? '2025-05-01' : null });
    expect(kinds.map((kind) => commandForDueWork(work(kind), input))).toEqual([
      { type: 'ActivateSubscription', data: { subscriptionId, today: '2025-05-01' }, metadata: { now: input.now } },
      { type: 'EndSubscriptionTrial', data: { subscriptionId, today: '2025-05-01' }, metadata: { now: input.now } },
      { type: 'ApplyPendingChange', data: { subscriptionId, today: '2025-05-01' }, metadata: { now: input.now } },
      { type: 'BillSubscriptionPeriod', data: { subscriptionId, today: '2025-05-01', periodStart: '2025-05-01', invoiceId: 'inv-x' }, metadata: { now: input.now } },
      { type: 'TerminateSubscription', data: { subscriptionId, today: '2025-05-01', invoiceId: 'inv-x' }, metadata: { now: input.now } },
    ]);
  });
});

describe('nextBillDate and currentPeriod', () => {
  it('in advance: the next period start; the current period is the last one billed', () => {
    const created = stateOf(historyOf([commands.create()]));
    expect([nextBillDate(created), currentPeriod(created)]).toEqual(['2025-04-01', { start: '2025-04-01', end: '2025-05-01' }]);
    const billed = stateOf(historyOf([commands.create(), commands.bill('2025-04-01')]));
    expect([nextBillDate(billed), currentPeriod(billed)]).toEqual(['2025-05-01', { start: '2025-04-01', end: '2025-05-01' }]);
  });

  it('in arrears: the end of the running period, which is the current one', () => {
    const state = stateOf(historyOf([commands.create(withBase(arrears)), commands.bill('2025-04-01', '2025-05-01')]));
    expect([nextBillDate(state), currentPeriod(state)]).toEqual(['2025-06-01', { start: '2025-05-01', end: '2025-06-01' }]);
  });

  it('terminated: none', () => {
    const state = stateOf(historyOf([commands.create(), commands.cancel('2025-04-02')]));
    expect([nextBillDate(state), currentPeriod(state)]).toEqual([null, null]);
  });
});

describe('upcomingCharges runs the decisions the scheduler will run', () => {
  /** The lines the scheduler's next bill makes, running the due work for real. */
  function nextBillLines(events: SubscriptionEvent[], today: string): unknown {
    let state = stateOf(events);
    for (let step = 0; step < 10; step += 1) {
      const work = dueWork(state)[0];
      if (work === undefined) return null;
      const day = work.dueDate > today ? work.dueDate : today;
      const decided = subscriptionDecider.decide(commandForDueWork(work, { today: day, now: `${day}T00:00:00.000Z`, invoiceId: 'inv' }), state);
      const bill = eventsOfType(decided, 'SubscriptionPeriodBilled')[0];
      if (bill !== undefined) return bill.data.lines;
      state = decided.reduce(subscriptionDecider.evolve, state);
    }
    return null;
  }

  it.each([
    ['a first bill with a setup fee', [commands.create(withBase(planTerms({ setupFee: '9.00' })))], '2025-04-01', ['10.00', '9.00']],
    ['pending prorations on the next bill', [commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-16', { newTerms: fibre200 })], '2025-04-20', ['20.00', '-5.00', '10.00']],
    ['a pending downgrade applied first', [commands.create(), commands.bill('2025-04-01'), commands.change('2025-04-16', { newTerms: fibre50, effective: 'default' })], '2025-04-20', ['5.00']],
    ['a pending subscription in trial: activated, trial ended, billed', [commands.create({ today: '2025-03-01', ...withBase(planTerms({ trialDays: 10 })) })], '2025-03-02', ['10.00']],
    ['in arrears, split by a change', [commands.create(withBase(arrears)), commands.change('2025-04-16', { newTerms: { ...fibre200, timing: 'in_arrears' } })], '2025-04-20', ['5.00', '10.00']],
  ])('%s', (_case, sequence, today, amounts) => {
    const events = historyOf(sequence);
    const upcoming = upcomingCharges(stateOf(events), today);
    expect(upcoming?.lines.map((line) => line.amount)).toEqual(amounts);
    expect(upcoming?.lines).toEqual(nextBillLines(events, today));
  });

  it('says when and for which period', () => {
    expect(upcomingCharges(stateOf(historyOf([commands.create(), commands.bill('2025-04-01')])), '2025-04-10')).toMatchObject({
      period: { start: '2025-05-01', end: '2025-06-01' },
      dueDate: '2025-05-01',
      total: '10.00',
    });
  });

  it('is null when nothing is left to bill, and does not change the state it reads', () => {
    const cancelling = stateOf(historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10', { at: 'period_end' })]));
    expect(upcomingCharges(cancelling, '2025-04-10')).toBeNull();
    const state = stateOf(historyOf([commands.create()]));
    const before = JSON.stringify(state);
    upcomingCharges(state, '2025-04-01');
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('previewChange decides the change without recording it', () => {
  const billed = stateOf(historyOf([commands.create(), commands.bill('2025-04-01')]));

  it('an upgrade now: the lines SubscriptionChanged would carry', () => {
    const change = commands.change('2025-04-16', { newTerms: fibre200, effective: 'default' });
    const decided = eventsOfType(subscriptionDecider.decide(change, billed), 'SubscriptionChanged')[0];
    expect(previewChange(billed, change.data)).toEqual({ effective: 'now', effectiveDate: '2025-04-16', direction: 'upgrade', lines: decided?.data.pendingLines, invoicedNow: false });
  });

  it('with always_invoice: the lines invoiced now (no invoice id needed to preview)', () => {
    const preview = previewChange(billed, commands.change('2025-04-16', { newTerms: fibre200, prorationBehavior: 'always_invoice' }).data);
    expect({ invoicedNow: preview.invoicedNow, amounts: preview.lines.map((line) => line.amount), ids: preview.lines.map((line) => line.lineId) }).toEqual({
      invoicedNow: true,
      amounts: ['-5.00', '10.00'],
      ids: ['L1', 'L2'],
    });
  });

  it('a downgrade by default: waits for the period end, no line', () => {
    expect(previewChange(billed, commands.change('2025-04-16', { newTerms: fibre50, effective: 'default' }).data)).toEqual({
      effective: 'period_end',
      effectiveDate: '2025-05-01',
      direction: 'downgrade',
      lines: [],
      invoicedNow: false,
    });
  });

  it('a change the subscription would refuse is refused with the same code', () => {
    let thrown: unknown;
    try {
      previewChange(billed, commands.change('2025-04-16', { newTerms: { ...fibre200, currency: 'EUR' } }).data);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('CURRENCY_MISMATCH');
    expect(() => previewChange(billed, commands.change('bad-date', { newTerms: fibre200 }).data)).toThrow(/today must be a calendar date/);
  });
});

describe('event contracts', () => {
  it('every event type is emitted by some decision and matches its zod schema (version 1; SubscriptionCreated version 2)', () => {
    const lives = [
      historyOf([
        commands.create({ today: '2025-03-01', ...withBase(planTerms({ trialDays: 5, setupFee: '5.00' })) }),
        commands.activate('2025-04-01'),
        commands.endTrial('2025-04-06'),
        commands.bill('2025-04-06'),
        commands.change('2025-04-10', { newTerms: fibre200, prorationBehavior: 'always_invoice', invoiceId: 'inv-c' }),
        commands.change('2025-04-11', { newTerms: fibre50, effective: 'period_end' }),
        commands.suspend('2025-04-12', 'pause_billing', 'Dunning'),
        commands.resume('2025-04-14'),
        commands.applyPending('2025-05-06'),
        commands.bill('2025-05-06'),
        commands.cancel('2025-05-07', { at: 'period_end' }),
        commands.withdraw('2025-05-08'),
        commands.cancel('2025-05-09', { at: 'period_end' }),
        commands.terminate('2025-06-06'),
      ]),
      historyOf([commands.create(), commands.bill('2025-04-01'), commands.cancel('2025-04-10')]),
    ];
    const events = lives.flat();
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(Object.keys(subscriptionEventSchemas)));
    for (const event of events) {
      const schema = subscriptionEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(event.type === 'SubscriptionCreated' ? 2 : 1);
      expect({ type: event.type, data: schema.data.parse(event.data) }).toEqual(event);
    }
  });

  it('reads a SubscriptionCreated of version 1 (no time zone recorded) as a subscription in UTC', () => {
    const [created] = historyOf([commands.create({ today: '2025-03-01', timeZone: 'Europe/Paris' })]);
    if (created?.type !== 'SubscriptionCreated') throw new Error('expected SubscriptionCreated first');
    const { timeZone: _zone, ...version1 } = created.data;
    expect(subscriptionEventSchemas.SubscriptionCreated.data.parse(version1)).toMatchObject({ timeZone: 'UTC', subscriptionId: 'sub-1' });
  });
});
