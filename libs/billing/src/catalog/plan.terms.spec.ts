import { describe, expect, it } from '@jest/globals';
import { fold } from '../common/decider.js';
import { DomainError } from '../common/domain-error.js';
import type { PlanCommand, PlanProductContext } from './plan.commands.js';
import { planDecider } from './plan.decider.js';
import type { PlanEvent } from './plan.events.js';
import type { PlanState } from './plan.state.js';
import { planVersionOf, requireAddonAllowed, toPlanTerms } from './plan.terms.js';
import type { PlanKind, PlanVersionTermsInput } from './plan.version-terms.js';
import type { TaxTreatment } from './tax-treatment.js';

const metadata = { now: '2025-03-01T09:00:00.000Z' };
const product: PlanProductContext = { productId: 'prod-fibre', serviceType: 'broadband', status: 'active' };

const fibreTerms: PlanVersionTermsInput = {
  cycle: { kind: 'monthly' },
  timing: 'in_advance',
  prices: [
    { currency: 'USD', amount: '50.00' },
    { currency: 'EUR', amount: '45.00' },
  ],
  setupFees: [{ currency: 'USD', amount: '25.00' }],
  trialDays: 14,
  taxTreatment: { kind: 'standard' },
};

/** The plan as the decider leaves it after `commands`, each decided on the state before it. */
function planAfter(...commands: PlanCommand[]): PlanState {
  const events: PlanEvent[] = [];
  for (const command of commands) events.push(...planDecider.decide(command, fold(planDecider, events)));
  return fold(planDecider, events);
}

function create(planId = 'plan-fibre', kind: PlanKind = 'base', terms: PlanVersionTermsInput = fibreTerms): PlanCommand {
  return { type: 'CreatePlan', data: { planId, productId: 'prod-fibre', kind, name: 'Fibre 100', terms, product }, metadata };
}

const publish = (terms: PlanVersionTermsInput, planId = 'plan-fibre'): PlanCommand => ({ type: 'PublishPlanVersion', data: { planId, terms }, metadata });
const archive: PlanCommand = { type: 'ArchivePlan', data: { planId: 'plan-fibre' }, metadata };

/** The error `work` throws, for assertions on its code, message and details. */
function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

describe('toPlanTerms', () => {
  it('gives the terms of the current version in one currency, everything a subscription copies', () => {
    expect(toPlanTerms(planAfter(create()), 'current', 'USD', '20')).toEqual({
      planId: 'plan-fibre',
      planVersion: 1,
      productId: 'prod-fibre',
      name: 'Fibre 100',
      serviceType: 'broadband',
      cycle: { kind: 'monthly' },
      timing: 'in_advance',
      currency: 'USD',
      unitPrice: '50.00',
      setupFee: '25.00',
      trialDays: 14,
      taxRate: '20',
    });
  });

  it('has no setup fee in a currency the version has none in', () => {
    expect(toPlanTerms(planAfter(create()), 'current', 'EUR', null)).toMatchObject({ currency: 'EUR', unitPrice: '45.00', setupFee: null });
  });

  it('version 1 keeps its old price after version 2 is published; current and 2 give the new one', () => {
    const plan = planAfter(create(), publish({ ...fibreTerms, prices: [{ currency: 'USD', amount: '55.00' }], setupFees: null, trialDays: 0 }));
    expect(toPlanTerms(plan, 1, 'USD', null)).toMatchObject({ planVersion: 1, unitPrice: '50.00', setupFee: '25.00', trialDays: 14 });
    expect(toPlanTerms(plan, 'current', 'USD', null)).toMatchObject({ planVersion: 2, unitPrice: '55.00', setupFee: null, trialDays: 0 });
    expect(toPlanTerms(plan, 2, 'USD', null)).toEqual(toPlanTerms(plan, 'current', 'USD', null));
    // Version 1 was also sold in EUR; version 2 no longer is.
    expect(toPlanTerms(plan, 1, 'EUR', null)).toMatchObject({ planVersion: 1, unitPrice: '45.00' });
    expect(errorOf(() => toPlanTerms(plan, 'current', 'EUR', null)).code).toBe('PRICE_NOT_AVAILABLE_IN_CURRENCY');
  });

  it('names the plan by its name now: a rename makes no version', () => {
    const plan = planAfter(create(), { type: 'RenamePlan', data: { planId: 'plan-fibre', name: 'Fibre 100 Mbit' }, metadata });
    expect(toPlanTerms(plan, 1, 'USD', null)).toMatchObject({ planVersion: 1, name: 'Fibre 100 Mbit' });
  });

  it('hands out a copy: changing the terms returned leaves the plan as it was', () => {
    const plan = planAfter(create('plan-custom', 'base', { ...fibreTerms, cycle: { kind: 'custom', unit: 'days', count: 28 } }));
    const terms = toPlanTerms(plan, 'current', 'USD', null);
    (terms.cycle as { count: number }).count = 1;
    expect(planVersionOf(plan, 1).cycle).toEqual({ kind: 'custom', unit: 'days', count: 28 });
  });

  it.each<[string, TaxTreatment, string | null, string | null]>([
    ['standard takes the default rate', { kind: 'standard' }, '20', '20'],
    ['standard without a default leaves the line to the invoice tax rules (null)', { kind: 'standard' }, null, null],
    ['exempt is an explicit zero rate, whatever the default', { kind: 'exempt' }, '20', '0'],
    ['exempt without a default is still zero, never null', { kind: 'exempt' }, null, '0'],
    ['a rate is the plan own rate, whatever the default', { kind: 'rate', rate: '8.875' }, '20', '8.875'],
    ['a rate without a default', { kind: 'rate', rate: '8.875' }, null, '8.875'],
    ['a zero rate (zero-rated, not exempt) is kept', { kind: 'rate', rate: '0' }, '20', '0'],
  ])('tax: %s', (_case, taxTreatment, defaultTaxRate, taxRate) => {
    const plan = planAfter(create('plan-fibre', 'base', { ...fibreTerms, taxTreatment }));
    expect(toPlanTerms(plan, 'current', 'USD', defaultTaxRate).taxRate).toBe(taxRate);
  });

  it('an archived plan takes no new subscriptions: PLAN_NOT_ACTIVE for any version', () => {
    const plan = planAfter(create(), archive);
    for (const version of ['current', 1] as const) {
      const error = errorOf(() => toPlanTerms(plan, version, 'USD', null));
      expect({ code: error.code, message: error.message }).toEqual({ code: 'PLAN_NOT_ACTIVE', message: 'Plan plan-fibre is archived: it takes no new subscriptions' });
    }
  });

  it('an unknown version is PLAN_VERSION_NOT_FOUND', () => {
    const error = errorOf(() => toPlanTerms(planAfter(create()), 2, 'USD', null));
    expect({ code: error.code, message: error.message, details: error.details }).toEqual({
      code: 'PLAN_VERSION_NOT_FOUND',
      message: 'Plan plan-fibre has no version 2: its versions are 1 to 1',
      details: { planId: 'plan-fibre', version: 2, latestVersion: 1 },
    });
  });

  it('a currency the version has no price in is PRICE_NOT_AVAILABLE_IN_CURRENCY, naming the currencies it has', () => {
    const error = errorOf(() => toPlanTerms(planAfter(create()), 'current', 'GBP', null));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'PRICE_NOT_AVAILABLE_IN_CURRENCY',
      message: 'Plan plan-fibre version 1 has no price in GBP (it is priced in EUR, USD)',
    });
  });

  it('a plan never created is NOT_FOUND', () => {
    expect(errorOf(() => toPlanTerms(planDecider.initialState, 'current', 'USD', null)).code).toBe('NOT_FOUND');
  });

  it.each([
    ['version 0', 0, 'USD', null, /^version must be 'current' or a version number/],
    ['a fractional version', 1.5, 'USD', null, /^version must be 'current' or a version number/],
    ['version "latest"', 'latest', 'USD', null, /^version must be 'current' or a version number/],
    ['a lower-case currency', 1, 'usd', null, /^currency must be a supported ISO 4217 currency code/],
    ['a default rate above 100', 1, 'USD', '120', /^defaultTaxRate must be a percentage from 0 to 100/],
    ['a default rate as a number', 1, 'USD', 20, /^defaultTaxRate must be a percentage from 0 to 100/],
  ])('%s is VALIDATION_FAILED, checked before the plan', (_case, version, currency, defaultTaxRate, message) => {
    const error = errorOf(() => toPlanTerms(planAfter(create(), archive), version as number, currency, defaultTaxRate as string | null));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
  });
});

describe('planVersionOf', () => {
  it('reads every version of an archived plan: versions stay readable forever', () => {
    const plan = planAfter(create(), publish({ ...fibreTerms, trialDays: 0 }), archive);
    expect(planVersionOf(plan, 1)).toMatchObject({ version: 1, trialDays: 14, publishedAt: metadata.now });
    expect(planVersionOf(plan, 'current')).toMatchObject({ version: 2, trialDays: 0 });
    expect(errorOf(() => planVersionOf(plan, 3)).code).toBe('PLAN_VERSION_NOT_FOUND');
  });
});

describe('requireAddonAllowed', () => {
  const addonTerms = (basePlanIds: string[]): PlanVersionTermsInput => ({ ...fibreTerms, setupFees: null, basePlanIds });
  const staticIp = planAfter(create('plan-static-ip', 'addon', addonTerms(['plan-fibre', 'plan-fibre-500'])));

  it('accepts a base plan the add-on lists', () => {
    expect(() => requireAddonAllowed(staticIp, 'plan-fibre')).not.toThrow();
    expect(() => requireAddonAllowed(staticIp, 'plan-fibre-500')).not.toThrow();
  });

  it('refuses a base plan the add-on does not list: ADDON_NOT_ALLOWED', () => {
    const error = errorOf(() => requireAddonAllowed(staticIp, 'plan-dsl'));
    expect({ code: error.code, message: error.message, details: error.details }).toEqual({
      code: 'ADDON_NOT_ALLOWED',
      message: 'Add-on plan-static-ip attaches to plan-fibre, plan-fibre-500, not to plan-dsl',
      details: { planId: 'plan-static-ip', basePlanId: 'plan-dsl', allowedBasePlanIds: ['plan-fibre', 'plan-fibre-500'] },
    });
  });

  it('follows the current version: a base plan dropped from the list is refused from then on', () => {
    const narrowed = planAfter(create('plan-static-ip', 'addon', addonTerms(['plan-fibre', 'plan-fibre-500'])), publish(addonTerms(['plan-fibre-500']), 'plan-static-ip'));
    expect(errorOf(() => requireAddonAllowed(narrowed, 'plan-fibre')).code).toBe('ADDON_NOT_ALLOWED');
    expect(() => requireAddonAllowed(narrowed, 'plan-fibre-500')).not.toThrow();
  });

  it.each<[PlanKind, PlanVersionTermsInput]>([
    ['base', fibreTerms],
    ['bundle', { ...fibreTerms, bundledPlanIds: ['plan-a', 'plan-b'] }],
  ])('refuses a %s plan: only add-ons attach', (kind, terms) => {
    const error = errorOf(() => requireAddonAllowed(planAfter(create('plan-x', kind, terms)), 'plan-fibre'));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'ADDON_NOT_ALLOWED',
      message: `Plan plan-x is a ${kind} plan, not an add-on: only add-on plans attach to a base plan`,
    });
  });

  it('a plan never created is NOT_FOUND; a bad base plan id is VALIDATION_FAILED', () => {
    expect(errorOf(() => requireAddonAllowed(planDecider.initialState, 'plan-fibre')).code).toBe('NOT_FOUND');
    expect(errorOf(() => requireAddonAllowed(staticIp, 'plan fibre')).message).toMatch(/^basePlanId must start with a letter or a digit/);
  });
});
