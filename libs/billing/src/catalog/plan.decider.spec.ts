import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { CreatePlan, PlanCommand, PlanProductContext, PublishPlanVersion } from './plan.commands.js';
import { planDecider } from './plan.decider.js';
import { planEventSchemas, type PlanArchived, type PlanCreated, type PlanEvent, type PlanVersionPublished } from './plan.events.js';
import type { PlanVersionTerms, PlanVersionTermsInput } from './plan.version-terms.js';
import type { TaxTreatment } from './tax-treatment.js';

const spec = DeciderSpecification.for(planDecider);

const now = '2025-03-01T09:00:00.000Z';
const later = '2025-04-01T09:00:00.000Z';
const planId = 'plan-fibre-100';
const productId = 'prod-fibre';
const product: PlanProductContext = { productId, serviceType: 'broadband', status: 'active' };

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

const termsInput: PlanVersionTermsInput = {
  cycle: { kind: 'monthly' },
  timing: 'in_advance',
  prices: [
    { currency: 'USD', amount: '50' },
    { currency: 'EUR', amount: '45.5' },
  ],
  setupFees: [{ currency: 'USD', amount: '25' }],
  trialDays: 14,
  taxTreatment: { kind: 'standard' },
};

/** termsInput as stored: sorted by currency, amounts at the currency's minor unit, lists that do not apply empty. */
const terms: PlanVersionTerms = {
  cycle: { kind: 'monthly' },
  timing: 'in_advance',
  prices: [
    { currency: 'EUR', amount: '45.50' },
    { currency: 'USD', amount: '50.00' },
  ],
  setupFees: [{ currency: 'USD', amount: '25.00' }],
  trialDays: 14,
  taxTreatment: { kind: 'standard' },
  basePlanIds: [],
  bundledPlanIds: [],
};

function create(data: Partial<CreatePlan['data']> = {}, at = now): CreatePlan {
  return { type: 'CreatePlan', data: { planId, productId, kind: 'base', name: 'Fibre 100', terms: termsInput, product, ...data }, metadata: { now: at } };
}

function publish(changes: Partial<PlanVersionTermsInput> = {}, at = later): PublishPlanVersion {
  return { type: 'PublishPlanVersion', data: { planId, terms: { ...termsInput, ...changes } }, metadata: { now: at } };
}

const rename = (name: string): PlanCommand => ({ type: 'RenamePlan', data: { planId, name }, metadata: { now: later } });
const archive: PlanCommand = { type: 'ArchivePlan', data: { planId }, metadata: { now: later } };
const unarchive: PlanCommand = { type: 'UnarchivePlan', data: { planId }, metadata: { now: later } };

const created: PlanCreated = {
  type: 'PlanCreated',
  data: { planId, productId, serviceType: 'broadband', kind: 'base', name: 'Fibre 100', version: 1, terms, createdAt: now },
};
const archived: PlanArchived = { type: 'PlanArchived', data: { planId, archivedAt: later } };

function published(version: number, changes: Partial<PlanVersionTerms>, at = later): PlanVersionPublished {
  return {
    type: 'PlanVersionPublished',
    data: { planId, productId, serviceType: 'broadband', kind: 'base', version, terms: { ...terms, ...changes }, publishedAt: at },
  };
}

describe('no plan', () => {
  it('CreatePlan creates version 1 with the whole terms, sorted by currency and fixed to each minor unit', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('CreatePlan copies the service type from the product, and absent optional terms mean none', () => {
    const voice: PlanProductContext = { productId, serviceType: 'voice', status: 'active' };
    spec
      .given([])
      .when(
        create({
          product: voice,
          terms: { cycle: { kind: 'custom', unit: 'days', count: 28 }, timing: 'in_arrears', prices: [{ currency: 'JPY', amount: '5000' }], taxTreatment: { kind: 'exempt' } },
        }),
      )
      .then([
        {
          type: 'PlanCreated',
          data: {
            planId,
            productId,
            serviceType: 'voice',
            kind: 'base',
            name: 'Fibre 100',
            version: 1,
            terms: {
              cycle: { kind: 'custom', unit: 'days', count: 28 },
              timing: 'in_arrears',
              prices: [{ currency: 'JPY', amount: '5000' }],
              setupFees: [],
              trialDays: 0,
              taxTreatment: { kind: 'exempt' },
              basePlanIds: [],
              bundledPlanIds: [],
            },
            createdAt: now,
          },
        },
      ]);
  });

  it('CreatePlan of an add-on records the base plans it attaches to, sorted', () => {
    const events = planDecider.decide(create({ kind: 'addon', terms: { ...termsInput, basePlanIds: ['plan-b', 'plan-a'] } }), planDecider.initialState);
    expect(events).toEqual([{ ...created, data: { ...created.data, kind: 'addon', terms: { ...terms, basePlanIds: ['plan-a', 'plan-b'] } } }]);
  });

  it('CreatePlan of a bundle records the plans it groups, and its own price', () => {
    const events = planDecider.decide(create({ kind: 'bundle', terms: { ...termsInput, bundledPlanIds: ['plan-voice', 'plan-fibre'] } }), planDecider.initialState);
    expect(events).toEqual([{ ...created, data: { ...created.data, kind: 'bundle', terms: { ...terms, bundledPlanIds: ['plan-fibre', 'plan-voice'] } } }]);
  });

  it.each([
    ['a blank name', { name: ' ' }, /^name is required/],
    ['an unknown kind', { kind: unchecked<CreatePlan['data']['kind']>('premium') }, /^kind must be one of base, addon, bundle/],
    ['no terms', { terms: unchecked<PlanVersionTermsInput>(null) }, /^terms must be an object/],
  ])('CreatePlan with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(create(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it.each([
    ['no prices', { prices: [] }, /^terms.prices needs at least one price/],
    ['prices that are not a list', { prices: unchecked<PlanVersionTermsInput['prices']>({ USD: '50' }) }, /^terms.prices must be a list/],
    ['a currency twice', { prices: [{ currency: 'USD', amount: '50' }, { currency: 'USD', amount: '60' }] }, /^terms.prices\[1\].currency USD is listed twice/],
    ['a negative price', { prices: [{ currency: 'USD', amount: '-1' }] }, /^terms.prices\[0\].amount must not be negative/],
    ['more decimals than the currency has', { prices: [{ currency: 'JPY', amount: '5.5' }] }, /^terms.prices\[0\].amount "5.5" has 1 decimal place but JPY has no minor unit/],
    ['a price as a number', { prices: [{ currency: 'USD', amount: unchecked<string>(50) }] }, /^terms.prices\[0\].amount must be a decimal string/],
    ['an unknown currency', { prices: [{ currency: 'XYZ', amount: '50' }] }, /^terms.prices\[0\].currency must be a supported ISO 4217 currency code/],
    ['a misspelt price field', { prices: [unchecked<{ currency: string; amount: string }>({ currency: 'USD', price: '50' })] }, /^terms.prices\[0\] has an unknown field "price"/],
    ['a setup fee in a currency without a price', { setupFees: [{ currency: 'GBP', amount: '10' }] }, /^terms.setupFees has a fee in GBP, a currency the plan has no price in/],
    ['a setup fee of zero', { setupFees: [{ currency: 'USD', amount: '0' }] }, /^terms.setupFees\[0\].amount must be greater than 0/],
    ['731 trial days', { trialDays: 731 }, /^terms.trialDays must be an integer from 0 to 730/],
    ['negative trial days', { trialDays: -1 }, /^terms.trialDays must be an integer from 0 to 730/],
    ['half a trial day', { trialDays: 1.5 }, /^terms.trialDays must be an integer from 0 to 730/],
    ['an unknown timing', { timing: unchecked<PlanVersionTermsInput['timing']>('upfront') }, /^terms.timing must be one of in_advance, in_arrears/],
    ['a custom cycle without a count', { cycle: unchecked<PlanVersionTermsInput['cycle']>({ kind: 'custom', unit: 'days' }) }, /^terms.cycle.count must be an integer/],
    ['an unknown tax treatment', { taxTreatment: unchecked<TaxTreatment>({ kind: 'reduced' }) }, /^terms.taxTreatment.kind must be one of standard, exempt, rate/],
    ['a tax rate above 100', { taxTreatment: { kind: 'rate' as const, rate: '101' } }, /^terms.taxTreatment.rate must be a percentage from 0 to 100/],
    ['a rate on an exempt treatment', { taxTreatment: unchecked<TaxTreatment>({ kind: 'exempt', rate: '20' }) }, /^terms.taxTreatment.rate is only given with kind "rate"/],
    ['a misspelt field ("setupFee")', unchecked<Partial<PlanVersionTermsInput>>({ setupFee: [{ currency: 'USD', amount: '25' }] }), /^terms has an unknown field "setupFee"/],
    ['base plans on a base plan', { basePlanIds: ['plan-x'] }, /^terms.basePlanIds is only given for a plan of kind addon \(this plan is base\)/],
    ['bundled plans on a base plan', { bundledPlanIds: ['plan-x', 'plan-y'] }, /^terms.bundledPlanIds is only given for a plan of kind bundle/],
  ])('CreatePlan with %s fails VALIDATION_FAILED naming the field', (_case, changes, message) => {
    spec.given([]).when(create({ terms: { ...termsInput, ...changes } })).thenThrows('VALIDATION_FAILED', message);
  });

  it.each([
    ['an add-on without base plans', 'addon' as const, {}, /^terms.basePlanIds needs at least 1 plan id: an add-on attaches to at least one base plan/],
    ['an add-on that lists itself', 'addon' as const, { basePlanIds: [planId] }, /^terms.basePlanIds\[0\] is the plan itself/],
    ['an add-on with a bad base plan id', 'addon' as const, { basePlanIds: ['plan a'] }, /^terms.basePlanIds\[0\] must start with a letter or a digit/],
    ['a bundle of one plan', 'bundle' as const, { bundledPlanIds: ['plan-x'] }, /^terms.bundledPlanIds needs at least 2 plan ids: a bundle groups at least 2 plans/],
    ['a bundle listing a plan twice', 'bundle' as const, { bundledPlanIds: ['plan-x', 'plan-x'] }, /^terms.bundledPlanIds\[1\] plan-x is listed twice/],
    ['a bundle with base plans', 'bundle' as const, { basePlanIds: ['plan-x'], bundledPlanIds: ['plan-x', 'plan-y'] }, /^terms.basePlanIds is only given for a plan of kind addon/],
  ])('CreatePlan of %s fails VALIDATION_FAILED', (_case, kind, changes, message) => {
    spec.given([]).when(create({ kind, terms: { ...termsInput, ...changes } })).thenThrows('VALIDATION_FAILED', message);
  });

  it('CreatePlan with a price of 10^12 fails AMOUNT_OUT_OF_RANGE; the largest price is accepted', () => {
    spec
      .given([])
      .when(create({ terms: { ...termsInput, prices: [{ currency: 'USD', amount: '1000000000000.00' }], setupFees: null } }))
      .thenThrows('AMOUNT_OUT_OF_RANGE', /^terms.prices\[0\].amount 1000000000000 is out of range: the largest accepted is 999999999999.99/);
    const [event] = planDecider.decide(create({ terms: { ...termsInput, prices: [{ currency: 'USD', amount: '999999999999.99' }], setupFees: null } }), planDecider.initialState);
    expect((event as PlanCreated).data.terms.prices).toEqual([{ currency: 'USD', amount: '999999999999.99' }]);
  });

  it('CreatePlan of a product that does not exist fails NOT_FOUND', () => {
    spec.given([]).when(create({ product: null })).thenThrows('NOT_FOUND', /Product prod-fibre does not exist: a plan belongs to an existing product/);
  });

  it('CreatePlan of an archived product fails PRODUCT_NOT_ACTIVE', () => {
    spec.given([]).when(create({ product: { ...product, status: 'archived' } })).thenThrows('PRODUCT_NOT_ACTIVE', /Product prod-fibre is archived: no new plans/);
  });

  it('CreatePlan carrying the context of another product is a programming error, not a domain error', () => {
    expect(() => planDecider.decide(create({ product: { ...product, productId: 'prod-tv' } }), planDecider.initialState)).toThrow(
      /carried the context of product "prod-tv"/,
    );
  });

  it.each([
    ['PublishPlanVersion', publish()],
    ['RenamePlan', rename('Fibre')],
    ['ArchivePlan', archive],
    ['UnarchivePlan', unarchive],
  ])('%s fails NOT_FOUND', (_case, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Plan plan-fibre-100 does not exist/);
  });

  it('a command without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...create(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });
});

describe('active plan', () => {
  it('holds version 1', () => {
    expect(fold(planDecider, [created])).toEqual({
      status: 'active',
      planId,
      productId,
      serviceType: 'broadband',
      kind: 'base',
      name: 'Fibre 100',
      versions: [{ version: 1, ...terms, publishedAt: now }],
      createdAt: now,
      updatedAt: now,
      archivedAt: null,
    });
  });

  it('CreatePlan with the same plan again decides nothing, even with the prices in another order', () => {
    spec.given([created]).when(create({ terms: { ...termsInput, prices: [...termsInput.prices].reverse() } }, later)).thenNothing();
  });

  it.each([
    ['another name', { name: 'Fibre 200' }],
    ['another kind', { kind: 'bundle' as const, terms: { ...termsInput, bundledPlanIds: ['plan-a', 'plan-b'] } }],
    ['other terms', { terms: { ...termsInput, trialDays: 0 } }],
  ])('CreatePlan with %s fails ALREADY_EXISTS', (_case, data) => {
    spec.given([created]).when(create(data, later)).thenThrows('ALREADY_EXISTS', /Plan plan-fibre-100 already exists \(status active\)/);
  });

  it('PublishPlanVersion with a new price publishes version 2 carrying the whole terms', () => {
    spec
      .given([created])
      .when(publish({ prices: [{ currency: 'USD', amount: '55' }, { currency: 'EUR', amount: '45.50' }] }))
      .then([published(2, { prices: [{ currency: 'EUR', amount: '45.50' }, { currency: 'USD', amount: '55.00' }] })]);
  });

  it.each<[string, Partial<PlanVersionTermsInput>, Partial<PlanVersionTerms>]>([
    ['a price', { prices: [{ currency: 'USD', amount: '50' }] }, { prices: [{ currency: 'USD', amount: '50.00' }] }],
    ['a setup fee', { setupFees: [{ currency: 'USD', amount: '30' }] }, { setupFees: [{ currency: 'USD', amount: '30.00' }] }],
    ['no setup fee any more', { setupFees: null }, { setupFees: [] }],
    ['the cycle', { cycle: { kind: 'annual' } }, { cycle: { kind: 'annual' } }],
    ['a custom cycle count', { cycle: { kind: 'custom', unit: 'months', count: 2 } }, { cycle: { kind: 'custom', unit: 'months', count: 2 } }],
    ['the timing', { timing: 'in_arrears' }, { timing: 'in_arrears' }],
    ['the trial days', { trialDays: 30 }, { trialDays: 30 }],
    ['the tax treatment', { taxTreatment: { kind: 'rate', rate: '8.875' } }, { taxTreatment: { kind: 'rate', rate: '8.875' } }],
  ])('PublishPlanVersion changing %s publishes version 2', (_case, changes, stored) => {
    spec.given([created]).when(publish(changes)).then([published(2, stored)]);
  });

  it('PublishPlanVersion with the current terms decides nothing (a retry is harmless)', () => {
    spec.given([created]).when(publish({ prices: [...termsInput.prices].reverse(), setupFees: [{ currency: 'USD', amount: '25.00' }] })).thenNothing();
  });

  it('PublishPlanVersion with the same tax rate written differently ("20.0" for "20") decides nothing', () => {
    const rated = { ...created, data: { ...created.data, terms: { ...terms, taxTreatment: { kind: 'rate' as const, rate: '20' } } } };
    spec.given([rated]).when(publish({ taxTreatment: { kind: 'rate', rate: '20.0' } })).thenNothing();
    spec.given([rated]).when(publish({ taxTreatment: { kind: 'rate', rate: '20.5' } })).then([published(2, { taxTreatment: { kind: 'rate', rate: '20.5' } })]);
  });

  it('PublishPlanVersion numbers versions one after another, and every version stays in the state', () => {
    const v2 = published(2, { trialDays: 0 });
    const v3 = published(3, { trialDays: 7 }, '2025-05-01T09:00:00.000Z');
    spec.given([created, v2]).when(publish({ trialDays: 7 }, '2025-05-01T09:00:00.000Z')).then([v3]);
    expect(fold(planDecider, [created, v2, v3]).versions.map((version) => [version.version, version.trialDays, version.publishedAt])).toEqual([
      [1, 14, now],
      [2, 0, later],
      [3, 7, '2025-05-01T09:00:00.000Z'],
    ]);
  });

  it('PublishPlanVersion back to the terms of an older version is a new version, not a return to the old one', () => {
    spec.given([created, published(2, { trialDays: 0 })]).when(publish()).then([published(3, {})]);
  });

  it('PublishPlanVersion with invalid terms fails VALIDATION_FAILED', () => {
    spec.given([created]).when(publish({ prices: [] })).thenThrows('VALIDATION_FAILED', /^terms.prices needs at least one price/);
  });

  it('PublishPlanVersion reads the terms for the plan kind: an add-on list on a base plan fails VALIDATION_FAILED', () => {
    spec.given([created]).when(publish({ basePlanIds: ['plan-x'] })).thenThrows('VALIDATION_FAILED', /^terms.basePlanIds is only given for a plan of kind addon/);
  });

  it('PublishPlanVersion past the most versions a plan may have fails VALIDATION_FAILED', () => {
    const history: PlanEvent[] = [created];
    for (let version = 2; version <= 1000; version += 1) history.push(published(version, { trialDays: version % 2 }));
    spec.given(history).when(publish({ trialDays: 100 })).thenThrows('VALIDATION_FAILED', /has 1000 versions, the most a plan may have/);
  });

  it('RenamePlan renames it without a new version', () => {
    spec.given([created]).when(rename('Fibre 100 Mbit')).then([{ type: 'PlanRenamed', data: { planId, name: 'Fibre 100 Mbit', previousName: 'Fibre 100', renamedAt: later } }]);
  });

  it('RenamePlan to the same name decides nothing; a blank name fails VALIDATION_FAILED', () => {
    spec.given([created]).when(rename('Fibre 100')).thenNothing();
    spec.given([created]).when(rename('')).thenThrows('VALIDATION_FAILED', /^name is required/);
  });

  it('ArchivePlan archives it; UnarchivePlan decides nothing', () => {
    spec.given([created]).when(archive).then([archived]);
    spec.given([created]).when(unarchive).thenNothing();
  });

  it('a command for another plan on this stream is a programming error, not a domain error', () => {
    expect(() => planDecider.decide({ ...archive, data: { planId: 'plan-2' } }, fold(planDecider, [created]))).toThrow(/was decided on the stream of plan-fibre-100/);
  });

  it('a version published out of order is a broken stream: evolve refuses it', () => {
    expect(() => fold(planDecider, [created, published(3, {})])).toThrow(/received version 3 after 1 versions/);
  });
});

describe('archived plan', () => {
  it('PublishPlanVersion fails PLAN_NOT_ACTIVE', () => {
    spec.given([created, archived]).when(publish({ trialDays: 0 })).thenThrows('PLAN_NOT_ACTIVE', /Plan plan-fibre-100 is archived: unarchive it before publishing/);
  });

  it('ArchivePlan again decides nothing', () => {
    spec.given([created, archived]).when(archive).thenNothing();
  });

  it('RenamePlan still renames it', () => {
    spec
      .given([created, archived])
      .when(rename('Fibre 100 (legacy)'))
      .then([{ type: 'PlanRenamed', data: { planId, name: 'Fibre 100 (legacy)', previousName: 'Fibre 100', renamedAt: later } }]);
  });

  it('UnarchivePlan puts it on sale again with its versions', () => {
    const unarchived: PlanEvent = { type: 'PlanUnarchived', data: { planId, unarchivedAt: '2025-05-01T09:00:00.000Z' } };
    spec.given([created, archived]).when({ ...unarchive, metadata: { now: '2025-05-01T09:00:00.000Z' } }).then([unarchived]);
    expect(fold(planDecider, [created, archived, unarchived])).toMatchObject({ status: 'active', archivedAt: null, versions: [{ version: 1 }] });
    spec.given([created, archived, unarchived]).when(publish({ trialDays: 0 })).then([published(2, { trialDays: 0 })]);
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const commands: PlanCommand[] = [
      create(),
      publish({ cycle: { kind: 'custom', unit: 'days', count: 14 }, taxTreatment: { kind: 'rate', rate: '20' } }),
      rename('Fibre'),
      archive,
      unarchive,
    ];
    const events: PlanEvent[] = [];
    for (const command of commands) events.push(...planDecider.decide(command, fold(planDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['PlanCreated', 'PlanVersionPublished', 'PlanRenamed', 'PlanArchived', 'PlanUnarchived']);
    for (const event of events) {
      const schema = planEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
