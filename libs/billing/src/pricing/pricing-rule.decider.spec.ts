import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { CreatePricingRule, PricingRuleCommand, UpdatePricingRule } from './pricing-rule.commands.js';
import { pricingRuleDecider, pricingRuleOf } from './pricing-rule.decider.js';
import { noPricingConditions, type PricingRuleDefinition, type PricingRuleDefinitionInput } from './pricing-rule.definition.js';
import { pricingRuleEventSchemas, type PricingRuleCreated, type PricingRuleDeactivated, type PricingRuleEvent } from './pricing-rule.events.js';

const spec = DeciderSpecification.for(pricingRuleDecider);

const now = '2025-03-01T09:00:00.000Z';
const later = '2025-04-01T09:00:00.000Z';
const ruleId = 'rule-spring';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

/** An adjustment as a careless caller could send it. */
const adjustmentOf = (value: unknown): Partial<PricingRuleDefinitionInput> => ({ adjustment: unchecked<PricingRuleDefinitionInput['adjustment']>(value) });
const usd = (amount: string): { currency: string; amount: string }[] => [{ currency: 'USD', amount }];

const definitionInput: PricingRuleDefinitionInput = {
  name: 'Spring promotion',
  adjustment: { kind: 'percentage', percentOff: '10' },
  conditions: { planIds: ['plan-b', 'plan-a'], validFrom: '2025-03-01', validUntil: '2025-06-01' },
  priority: 10,
  stacking: 'stackable',
};

/** definitionInput as stored: every condition present, lists sorted. */
const definition: PricingRuleDefinition = {
  name: 'Spring promotion',
  adjustment: { kind: 'percentage', percentOff: '10' },
  conditions: { ...noPricingConditions, planIds: ['plan-a', 'plan-b'], validFrom: '2025-03-01', validUntil: '2025-06-01' },
  priority: 10,
  stacking: 'stackable',
};

function create(changes: Partial<PricingRuleDefinitionInput> = {}, at = now): CreatePricingRule {
  return { type: 'CreatePricingRule', data: { ruleId, ...definitionInput, ...changes }, metadata: { now: at } };
}

function update(changes: Partial<PricingRuleDefinitionInput> = {}, at = later): UpdatePricingRule {
  return { type: 'UpdatePricingRule', data: { ruleId, ...definitionInput, ...changes }, metadata: { now: at } };
}

const deactivate: PricingRuleCommand = { type: 'DeactivatePricingRule', data: { ruleId }, metadata: { now: later } };
const reactivate: PricingRuleCommand = { type: 'ReactivatePricingRule', data: { ruleId }, metadata: { now: later } };

const created: PricingRuleCreated = { type: 'PricingRuleCreated', data: { ruleId, revision: 1, ...definition, createdAt: now } };
const deactivated: PricingRuleDeactivated = { type: 'PricingRuleDeactivated', data: { ruleId, revision: 1, deactivatedAt: later } };

describe('no rule', () => {
  it('CreatePricingRule creates revision 1, active, with every condition present and lists sorted', () => {
    spec.given([]).when(create()).then([created]);
  });

  it.each<[string, PricingRuleDefinitionInput['adjustment'], PricingRuleDefinition['adjustment']]>([
    ['a percentage with decimals as written', { kind: 'percentage', percentOff: '12.50' }, { kind: 'percentage', percentOff: '12.50' }],
    ['a percentage of 100', { kind: 'percentage', percentOff: '100' }, { kind: 'percentage', percentOff: '100' }],
    [
      'an amount off per currency, sorted',
      { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '5' }, { currency: 'EUR', amount: '0.0045' }] },
      { kind: 'amount_off', amountsOff: [{ currency: 'EUR', amount: '0.0045' }, { currency: 'USD', amount: '5' }] },
    ],
    [
      'a fixed price of zero (free)',
      { kind: 'fixed_price', unitPrices: [{ currency: 'JPY', amount: '0' }] },
      { kind: 'fixed_price', unitPrices: [{ currency: 'JPY', amount: '0' }] },
    ],
  ])('CreatePricingRule accepts %s', (_case, adjustment, stored) => {
    spec.given([]).when(create({ adjustment })).then([{ ...created, data: { ...created.data, adjustment: stored } }]);
  });

  it('CreatePricingRule without conditions applies to everything: every condition null', () => {
    spec.given([]).when(create({ conditions: undefined })).then([{ ...created, data: { ...created.data, conditions: noPricingConditions } }]);
  });

  it('CreatePricingRule records every kind of condition', () => {
    const conditions = {
      planIds: ['plan-a'],
      productIds: ['prod-fibre', 'prod-dsl'],
      serviceTypes: ['voice' as const, 'broadband' as const],
      customerSegments: ['smb', 'enterprise'],
      minimumQuantity: '2.5',
      validFrom: '2025-01-01',
      validUntil: null,
      usageLimit: 100,
    };
    spec
      .given([])
      .when(create({ conditions }))
      .then([
        {
          ...created,
          data: {
            ...created.data,
            conditions: { ...conditions, productIds: ['prod-dsl', 'prod-fibre'], serviceTypes: ['broadband', 'voice'], customerSegments: ['enterprise', 'smb'] },
          },
        },
      ]);
  });

  it.each([
    ['a blank name', { name: '' }, /^name is required/],
    ['a percentage of 0', adjustmentOf({ kind: 'percentage', percentOff: '0' }), /^adjustment.percentOff must be greater than 0 and at most 100/],
    ['a percentage above 100', adjustmentOf({ kind: 'percentage', percentOff: '100.01' }), /^adjustment.percentOff must be greater than 0 and at most 100/],
    ['a percentage with 5 decimals', adjustmentOf({ kind: 'percentage', percentOff: '1.00001' }), /^adjustment.percentOff "1.00001" has 5 decimal places; at most 4/],
    ['a percentage as a number', adjustmentOf({ kind: 'percentage', percentOff: 10 }), /^adjustment.percentOff must be a decimal string/],
    ['an unknown kind', adjustmentOf({ kind: 'free_month' }), /^adjustment.kind must be one of percentage, amount_off, fixed_price/],
    ['figures of another kind', adjustmentOf({ kind: 'percentage', percentOff: '10', amountsOff: [] }), /^adjustment has an unknown field "amountsOff"/],
    ['an amount off of zero', adjustmentOf({ kind: 'amount_off', amountsOff: usd('0') }), /^adjustment.amountsOff\[0\].amount must be greater than 0/],
    ['a negative fixed price', adjustmentOf({ kind: 'fixed_price', unitPrices: usd('-1') }), /^adjustment.unitPrices\[0\].amount must be at least 0/],
    ['an amount with 7 decimals', adjustmentOf({ kind: 'amount_off', amountsOff: usd('0.0000001') }), /^adjustment.amountsOff\[0\].amount "0.0000001" has 7 decimal places; at most 6/],
    ['no amounts', adjustmentOf({ kind: 'amount_off', amountsOff: [] }), /^adjustment.amountsOff needs at least one currency/],
    ['a currency twice', adjustmentOf({ kind: 'fixed_price', unitPrices: [...usd('1'), ...usd('2')] }), /^adjustment.unitPrices\[1\].currency USD is listed twice/],
    ['an unknown currency', adjustmentOf({ kind: 'fixed_price', unitPrices: [{ currency: 'ABC', amount: '1' }] }), /^adjustment.unitPrices\[0\].currency must be a supported ISO 4217 currency code/],
    ['an empty plan list', { conditions: { planIds: [] } }, /^conditions.planIds must list at least one value, or be left out \(null\)/],
    ['a plan listed twice', { conditions: { planIds: ['plan-a', 'plan-a'] } }, /^conditions.planIds\[1\] plan-a is listed twice/],
    ['an unknown service type', { conditions: { serviceTypes: unchecked<['voice']>(['mobile']) } }, /^conditions.serviceTypes\[0\] must be one of broadband, voice/],
    ['a segment with a space', { conditions: { customerSegments: ['small business'] } }, /^conditions.customerSegments\[0\] must start with a letter or a digit/],
    ['a minimum quantity of 0', { conditions: { minimumQuantity: '0' } }, /^conditions.minimumQuantity must be greater than 0/],
    ['a validity date that is not a date', { conditions: { validFrom: '2025-02-30' } }, /^conditions.validFrom must be a calendar date YYYY-MM-DD/],
    ['an empty window', { conditions: { validFrom: '2025-03-01', validUntil: '2025-03-01' } }, /^conditions.validUntil 2025-03-01 must be after validFrom 2025-03-01/],
    ['a usage limit of 0', { conditions: { usageLimit: 0 } }, /^conditions.usageLimit must be an integer from 1 to 1000000000/],
    ['a misspelt condition ("planId")', { conditions: unchecked<PricingRuleDefinitionInput['conditions']>({ planId: 'plan-a' }) }, /^conditions has an unknown field "planId"/],
    ['a negative priority', { priority: -1 }, /^priority must be an integer from 0 to 1000000/],
    ['a fractional priority', { priority: 1.5 }, /^priority must be an integer from 0 to 1000000/],
    ['an unknown stacking', { stacking: unchecked<'stackable'>('combinable') }, /^stacking must be one of stackable, exclusive/],
  ])('CreatePricingRule with %s fails VALIDATION_FAILED naming the field', (_case, changes, message) => {
    spec.given([]).when(create(changes)).thenThrows('VALIDATION_FAILED', message);
  });

  it('CreatePricingRule with an amount of 10^12 fails AMOUNT_OUT_OF_RANGE', () => {
    spec
      .given([])
      .when(create({ adjustment: { kind: 'fixed_price', unitPrices: [{ currency: 'USD', amount: '1000000000000' }] } }))
      .thenThrows('AMOUNT_OUT_OF_RANGE', /^adjustment.unitPrices\[0\].amount 1000000000000 is out of range/);
  });

  it('CreatePricingRule without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...create(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it.each([
    ['UpdatePricingRule', update()],
    ['DeactivatePricingRule', deactivate],
    ['ReactivatePricingRule', reactivate],
  ])('%s fails NOT_FOUND', (_case, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Pricing rule rule-spring does not exist/);
  });

  it('is no rule for the pricing engine', () => {
    expect(pricingRuleOf(pricingRuleDecider.initialState)).toBeNull();
  });
});

describe('active rule', () => {
  it('is the current revision, active, for the pricing engine', () => {
    expect(pricingRuleOf(fold(pricingRuleDecider, [created]))).toEqual({ ruleId, revision: 1, active: true, ...definition });
  });

  it('CreatePricingRule with the same definition again decides nothing, even with lists in another order', () => {
    spec.given([created]).when(create({ conditions: { ...definitionInput.conditions, planIds: ['plan-a', 'plan-b'] } }, later)).thenNothing();
  });

  it('CreatePricingRule with another definition fails ALREADY_EXISTS', () => {
    spec.given([created]).when(create({ priority: 20 }, later)).thenThrows('ALREADY_EXISTS', /Pricing rule rule-spring already exists \(status active\)/);
  });

  it('UpdatePricingRule makes revision 2 with the whole new definition', () => {
    spec
      .given([created])
      .when(update({ adjustment: { kind: 'percentage', percentOff: '15' }, stacking: 'exclusive' }))
      .then([
        {
          type: 'PricingRuleUpdated',
          data: { ruleId, revision: 2, ...definition, adjustment: { kind: 'percentage', percentOff: '15' }, stacking: 'exclusive', updatedAt: later },
        },
      ]);
  });

  it('UpdatePricingRule with an equal definition decides nothing ("10.0" percent is "10")', () => {
    spec.given([created]).when(update({ adjustment: { kind: 'percentage', percentOff: '10.0' } })).thenNothing();
  });

  it('UpdatePricingRule with a bad definition fails VALIDATION_FAILED', () => {
    spec.given([created]).when(update({ priority: -5 })).thenThrows('VALIDATION_FAILED', /^priority must be an integer/);
  });

  it('revisions count up and the engine sees the latest', () => {
    const revised = pricingRuleDecider.decide(update({ priority: 5 }), fold(pricingRuleDecider, [created]));
    const again = pricingRuleDecider.decide(update({ priority: 6 }), fold(pricingRuleDecider, [created, ...revised]));
    expect(again.map((event) => (event.data as { revision: number }).revision)).toEqual([3]);
    expect(pricingRuleOf(fold(pricingRuleDecider, [created, ...revised, ...again]))).toMatchObject({ revision: 3, priority: 6, active: true });
  });

  it('DeactivatePricingRule deactivates it; ReactivatePricingRule decides nothing', () => {
    spec.given([created]).when(deactivate).then([deactivated]);
    spec.given([created]).when(reactivate).thenNothing();
  });

  it('a command for another rule on this stream is a programming error, not a domain error', () => {
    expect(() => pricingRuleDecider.decide({ ...deactivate, data: { ruleId: 'rule-2' } }, fold(pricingRuleDecider, [created]))).toThrow(/was decided on the stream of rule-spring/);
  });
});

describe('inactive rule', () => {
  it('is inactive for the pricing engine, with its revision', () => {
    expect(pricingRuleOf(fold(pricingRuleDecider, [created, deactivated]))).toMatchObject({ revision: 1, active: false });
  });

  it('UpdatePricingRule fails PRICING_RULE_NOT_ACTIVE', () => {
    spec.given([created, deactivated]).when(update({ priority: 1 })).thenThrows('PRICING_RULE_NOT_ACTIVE', /Pricing rule rule-spring is inactive: reactivate it/);
  });

  it('DeactivatePricingRule again decides nothing', () => {
    spec.given([created, deactivated]).when(deactivate).thenNothing();
  });

  it('ReactivatePricingRule makes it apply again with the revision it had', () => {
    spec.given([created, deactivated]).when(reactivate).then([{ type: 'PricingRuleReactivated', data: { ruleId, revision: 1, reactivatedAt: later } }]);
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const commands: PricingRuleCommand[] = [
      create({ conditions: { serviceTypes: ['video'], minimumQuantity: '3', usageLimit: 5, customerSegments: ['smb'], productIds: ['prod-tv'] } }),
      update({ adjustment: { kind: 'amount_off', amountsOff: [{ currency: 'USD', amount: '2.5' }] } }),
      update({ adjustment: { kind: 'fixed_price', unitPrices: [{ currency: 'USD', amount: '9.99' }] } }),
      deactivate,
      reactivate,
    ];
    const events: PricingRuleEvent[] = [];
    for (const command of commands) events.push(...pricingRuleDecider.decide(command, fold(pricingRuleDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['PricingRuleCreated', 'PricingRuleUpdated', 'PricingRuleUpdated', 'PricingRuleDeactivated', 'PricingRuleReactivated']);
    for (const event of events) {
      const schema = pricingRuleEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
