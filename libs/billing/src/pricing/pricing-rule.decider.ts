import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import { assertDecidedOnOwnStream, type Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import { requireIdentifier } from '../common/validation.js';
import type {
  CreatePricingRule,
  DeactivatePricingRule,
  PricingRuleCommand,
  ReactivatePricingRule,
  UpdatePricingRule,
} from './pricing-rule.commands.js';
import { requirePricingRuleDefinition, samePricingRuleDefinition, type PricingRule, type PricingRuleDefinition } from './pricing-rule.definition.js';
import type { PricingRuleEvent } from './pricing-rule.events.js';

/** 'none' is a stream without events. `revision` counts definitions (0 before the first); (de)activation keeps it. */
export interface PricingRuleState {
  status: 'none' | 'active' | 'inactive';
  ruleId: string | null;
  revision: number;
  definition: PricingRuleDefinition | null;
  createdAt: string | null;
  updatedAt: string | null;
  deactivatedAt: string | null;
}

export const initialPricingRuleState: PricingRuleState = {
  status: 'none',
  ruleId: null,
  revision: 0,
  definition: null,
  createdAt: null,
  updatedAt: null,
  deactivatedAt: null,
};

/**
 * Order of checks: the metadata, then the command's data (the whole definition, so a bad command is refused whole),
 * then the state. A command that changes nothing (the same rule created again, a definition equal to the current
 * one, deactivating an inactive rule, reactivating an active one) decides no event, so a retry is harmless.
 */
export function decidePricingRule(command: PricingRuleCommand, state: PricingRuleState): PricingRuleEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'CreatePricingRule':
        return createPricingRule(command, state);
      case 'UpdatePricingRule':
        return updatePricingRule(command, state);
      case 'DeactivatePricingRule':
        return deactivatePricingRule(command, state);
      case 'ReactivatePricingRule':
        return reactivatePricingRule(command, state);
      default:
        return assertNever(command, 'pricing rule command');
    }
  });
}

export function evolvePricingRule(state: PricingRuleState, event: PricingRuleEvent): PricingRuleState {
  switch (event.type) {
    case 'PricingRuleCreated': {
      const { ruleId, revision, createdAt, ...definition } = event.data;
      return { ...initialPricingRuleState, status: 'active', ruleId, revision, definition, createdAt, updatedAt: createdAt };
    }
    case 'PricingRuleUpdated': {
      const { ruleId: _ruleId, revision, updatedAt, ...definition } = event.data;
      return { ...state, revision, definition, updatedAt };
    }
    case 'PricingRuleDeactivated':
      return { ...state, status: 'inactive', deactivatedAt: event.data.deactivatedAt, updatedAt: event.data.deactivatedAt };
    case 'PricingRuleReactivated':
      return { ...state, status: 'active', deactivatedAt: null, updatedAt: event.data.reactivatedAt };
    default:
      return assertNever(event, 'pricing rule event');
  }
}

export const pricingRuleDecider: Decider<PricingRuleCommand, PricingRuleEvent, PricingRuleState> = {
  decide: decidePricingRule,
  evolve: evolvePricingRule,
  initialState: initialPricingRuleState,
};

/** The rule as the pricing engine reads it (its current revision), or null for a rule never created. */
export function pricingRuleOf(state: PricingRuleState): PricingRule | null {
  if (state.status === 'none' || state.ruleId === null || state.definition === null) return null;
  return { ruleId: state.ruleId, revision: state.revision, active: state.status === 'active', ...state.definition };
}

type ExistingPricingRule = PricingRuleState & { status: 'active' | 'inactive'; ruleId: string; definition: PricingRuleDefinition };

function createPricingRule({ data, metadata }: CreatePricingRule, state: PricingRuleState): PricingRuleEvent[] {
  const ruleId = requireIdentifier(data?.ruleId, 'ruleId');
  const definition = requirePricingRuleDefinition(data, '');
  assertDecidedOnOwnStream('pricing rule', ruleId, state.ruleId);
  if (state.status !== 'none') {
    if (state.definition !== null && samePricingRuleDefinition(definition, state.definition)) return [];
    throw new DomainError('ALREADY_EXISTS', `Pricing rule ${ruleId} already exists (status ${state.status}) with another definition`, {
      ruleId,
      status: state.status,
    });
  }
  return [{ type: 'PricingRuleCreated', data: { ruleId, revision: 1, ...definition, createdAt: metadata.now } }];
}

function updatePricingRule({ data, metadata }: UpdatePricingRule, state: PricingRuleState): PricingRuleEvent[] {
  const ruleId = requireIdentifier(data?.ruleId, 'ruleId');
  const definition = requirePricingRuleDefinition(data, '');
  const rule = requireExisting(state, ruleId);
  if (rule.status === 'inactive') {
    throw new DomainError('PRICING_RULE_NOT_ACTIVE', `Pricing rule ${ruleId} is inactive: reactivate it before revising it`, { ruleId });
  }
  if (samePricingRuleDefinition(definition, rule.definition)) return [];
  return [{ type: 'PricingRuleUpdated', data: { ruleId, revision: rule.revision + 1, ...definition, updatedAt: metadata.now } }];
}

function deactivatePricingRule({ data, metadata }: DeactivatePricingRule, state: PricingRuleState): PricingRuleEvent[] {
  const rule = requireExisting(state, requireIdentifier(data?.ruleId, 'ruleId'));
  if (rule.status === 'inactive') return [];
  return [{ type: 'PricingRuleDeactivated', data: { ruleId: rule.ruleId, revision: rule.revision, deactivatedAt: metadata.now } }];
}

function reactivatePricingRule({ data, metadata }: ReactivatePricingRule, state: PricingRuleState): PricingRuleEvent[] {
  const rule = requireExisting(state, requireIdentifier(data?.ruleId, 'ruleId'));
  if (rule.status === 'active') return [];
  return [{ type: 'PricingRuleReactivated', data: { ruleId: rule.ruleId, revision: rule.revision, reactivatedAt: metadata.now } }];
}

function requireExisting(state: PricingRuleState, ruleId: string): ExistingPricingRule {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', `Pricing rule ${ruleId} does not exist`, { ruleId });
  assertDecidedOnOwnStream('pricing rule', ruleId, state.ruleId);
  return state as ExistingPricingRule;
}
