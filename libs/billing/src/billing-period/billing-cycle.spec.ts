import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { cycleLabel, monthsPerPeriod, requireBillingCycle, requirePeriodAlignment } from './billing-cycle.js';
import type { BillingCycle } from './billing-period.types.js';

function errorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw new Error(`not a DomainError: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a DomainError, got none');
}

describe('requireBillingCycle', () => {
  it.each<[unknown, BillingCycle]>([
    [{ kind: 'monthly' }, { kind: 'monthly' }],
    [{ kind: 'quarterly' }, { kind: 'quarterly' }],
    [{ kind: 'semi_annual' }, { kind: 'semi_annual' }],
    [{ kind: 'annual' }, { kind: 'annual' }],
    // GraphQL input objects may send the custom-only fields as null.
    [{ kind: 'annual', unit: null, count: null }, { kind: 'annual' }],
    [{ kind: 'custom', unit: 'days', count: 1 }, { kind: 'custom', unit: 'days', count: 1 }],
    [{ kind: 'custom', unit: 'days', count: 14 }, { kind: 'custom', unit: 'days', count: 14 }],
    [{ kind: 'custom', unit: 'days', count: 3660 }, { kind: 'custom', unit: 'days', count: 3660 }],
    [{ kind: 'custom', unit: 'months', count: 1 }, { kind: 'custom', unit: 'months', count: 1 }],
    [{ kind: 'custom', unit: 'months', count: 120 }, { kind: 'custom', unit: 'months', count: 120 }],
  ])('accepts %j as %j', (input, expected) => {
    const cycle = requireBillingCycle(input, 'cycle');
    expect(cycle).toStrictEqual(expected);
    expect(cycle).not.toBe(input);
  });

  it.each<[string, string, unknown, RegExp]>([
    ['not an object', 'cycle', 'monthly', /cycle must be an object with a kind/],
    ['null', 'cycle', null, /cycle must be an object/],
    ['a list', 'cycle', [{ kind: 'monthly' }], /cycle must be an object/],
    ['no kind', 'cycle.kind', {}, /cycle\.kind must be one of monthly, quarterly, semi_annual, annual, custom \(got undefined\)/],
    ['an unknown kind', 'cycle.kind', { kind: 'weekly' }, /cycle\.kind must be one of .* \(got "weekly"\)/],
    ['a kind in another case', 'cycle.kind', { kind: 'Monthly' }, /cycle\.kind must be one of/],
    ['a count on a named cycle', 'cycle.count', { kind: 'monthly', count: 3 }, /cycle\.count is only for custom cycles \(the cycle is monthly\)/],
    ['a unit on a named cycle', 'cycle.unit', { kind: 'annual', unit: 'months' }, /cycle\.unit is only for custom cycles/],
    ['an unknown field', 'cycle.anchorDay', { kind: 'monthly', anchorDay: 1 }, /cycle has an unknown field "anchorDay"/],
    ['a custom cycle without unit', 'cycle.unit', { kind: 'custom', count: 3 }, /cycle\.unit must be one of days, months/],
    ['a custom cycle in weeks', 'cycle.unit', { kind: 'custom', unit: 'weeks', count: 2 }, /cycle\.unit must be one of days, months \(got "weeks"\)/],
    ['a custom cycle without count', 'cycle.count', { kind: 'custom', unit: 'days' }, /cycle\.count must be an integer from 1 to 3660 \(got undefined\)/],
    ['zero days', 'cycle.count', { kind: 'custom', unit: 'days', count: 0 }, /cycle\.count must be an integer from 1 to 3660 \(got 0\)/],
    ['3661 days', 'cycle.count', { kind: 'custom', unit: 'days', count: 3661 }, /from 1 to 3660 \(got 3661\)/],
    ['121 months', 'cycle.count', { kind: 'custom', unit: 'months', count: 121 }, /cycle\.count must be an integer from 1 to 120 \(got 121\)/],
    ['a fractional count', 'cycle.count', { kind: 'custom', unit: 'days', count: 1.5 }, /\(got 1\.5\)/],
    ['a count as text', 'cycle.count', { kind: 'custom', unit: 'days', count: '14' }, /\(got "14"\)/],
    ['a negative count', 'cycle.count', { kind: 'custom', unit: 'months', count: -1 }, /\(got -1\)/],
  ])('refuses %s with VALIDATION_FAILED naming %s', (_case, field, input, message) => {
    const error = errorOf(() => requireBillingCycle(input, 'cycle'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(message);
    expect(error.details.field).toBe(field);
  });

  it('names the field it was given', () => {
    expect(errorOf(() => requireBillingCycle({ kind: 'weekly' }, 'plan.cycle')).message).toMatch(/^plan\.cycle\.kind must be one of/);
  });
});

describe('requirePeriodAlignment', () => {
  it('accepts anniversary and calendar, and refuses anything else', () => {
    expect(requirePeriodAlignment('anniversary', 'alignment')).toBe('anniversary');
    expect(requirePeriodAlignment('calendar', 'alignment')).toBe('calendar');
    const error = errorOf(() => requirePeriodAlignment('fiscal', 'alignment'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/alignment must be one of anniversary, calendar \(got "fiscal"\)/);
  });
});

describe('cycleLabel and monthsPerPeriod', () => {
  it.each<[BillingCycle, string, number | null]>([
    [{ kind: 'monthly' }, 'monthly', 1],
    [{ kind: 'quarterly' }, 'quarterly', 3],
    [{ kind: 'semi_annual' }, 'semi-annual', 6],
    [{ kind: 'annual' }, 'annual', 12],
    [{ kind: 'custom', unit: 'days', count: 1 }, 'every day', null],
    [{ kind: 'custom', unit: 'days', count: 14 }, 'every 14 days', null],
    [{ kind: 'custom', unit: 'months', count: 1 }, 'every month', 1],
    [{ kind: 'custom', unit: 'months', count: 2 }, 'every 2 months', 2],
    [{ kind: 'custom', unit: 'months', count: 120 }, 'every 120 months', 120],
  ])('%j reads "%s" and has %p months a period', (cycle, label, months) => {
    expect(cycleLabel(cycle)).toBe(label);
    expect(monthsPerPeriod(cycle)).toBe(months);
  });
});
