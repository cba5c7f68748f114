import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { DomainError } from '../common/domain-error.js';
import { billingSettingsSections, defaultBillingSettings, withDefaultSections, type BillingSettings, type SubscriptionSettings } from './billing-settings.js';
import type { ResetBillingSettings, UpdateBillingSettingsSection } from './billing-settings.commands.js';
import { billingSettingsDecider } from './billing-settings.decider.js';
import { billingSettingsEventSchemas, type BillingSettingsEvent, type BillingSettingsReset, type BillingSettingsSectionUpdated } from './billing-settings.events.js';
import { validateBillingSettings } from './billing-settings.validation.js';

/**
 * The `subscriptions` section: whether cancelling now credits unused time, and whether billing continues or pauses
 * while a subscription is suspended. It was added after the other sections, so a stream written before it must fold
 * to its defaults.
 */

const spec = DeciderSpecification.for(billingSettingsDecider);
const now = '2025-01-10T08:00:00.000Z';
const later = '2025-01-11T08:00:00.000Z';
const unchecked = <T>(value: unknown): T => value as T;

const paused: SubscriptionSettings = { creditUnusedTimeOnCancel: false, suspensionPolicy: 'pause_billing' };

function update(values: unknown, at = now): UpdateBillingSettingsSection {
  return { type: 'UpdateBillingSettingsSection', data: { section: 'subscriptions', values: unchecked(values) }, metadata: { now: at } };
}

function reset(section?: ResetBillingSettings['data']['section']): ResetBillingSettings {
  return { type: 'ResetBillingSettings', data: section === undefined ? {} : { section }, metadata: { now: later } };
}

function updated(values: SubscriptionSettings, previous: SubscriptionSettings = defaultBillingSettings.subscriptions, at = now): BillingSettingsSectionUpdated {
  return { type: 'BillingSettingsSectionUpdated', data: { section: 'subscriptions', values, previous, updatedAt: at } };
}

function thrownBy(events: BillingSettingsEvent[], command: UpdateBillingSettingsSection): DomainError {
  try {
    billingSettingsDecider.decide(command, fold(billingSettingsDecider, events));
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected the command to be refused');
}

describe('the subscriptions section: defaults', () => {
  it('credits unused time on cancel and keeps billing while suspended, for a tenant that changed nothing', () => {
    expect(defaultBillingSettings.subscriptions).toEqual({ creditUnusedTimeOnCancel: true, suspensionPolicy: 'continue_billing' });
    expect(fold(billingSettingsDecider, []).settings.subscriptions).toEqual({ creditUnusedTimeOnCancel: true, suspensionPolicy: 'continue_billing' });
  });

  it('is a section like the others: listed, validated, and the defaults are valid', () => {
    expect(billingSettingsSections).toContain('subscriptions');
    expect(validateBillingSettings(defaultBillingSettings).errors).toEqual([]);
    const { subscriptions: _left, ...without } = defaultBillingSettings;
    expect(validateBillingSettings(without).errors).toEqual([expect.objectContaining({ path: 'subscriptions', code: 'required' })]);
  });

  it('a stream written before the section existed folds to its defaults (no upcasting needed)', () => {
    // What a tenant's stream held before: other sections changed, then everything reset (without this section).
    const company = { ...defaultBillingSettings.company, name: 'Old Tenant Ltd' };
    const before: BillingSettingsEvent[] = [
      { type: 'BillingSettingsSectionUpdated', data: { section: 'company', values: company, previous: defaultBillingSettings.company, updatedAt: now } },
      { type: 'BillingSettingsReset', data: { sections: ['company'], previous: { company }, resetAt: later } },
    ];
    expect(fold(billingSettingsDecider, before).settings.subscriptions).toEqual(defaultBillingSettings.subscriptions);
    // And the section can be changed on such a stream like on a new one.
    spec.given(before).when(update(paused, later)).then([updated(paused, defaultBillingSettings.subscriptions, later)]);
  });
});

describe('the subscriptions section: updates', () => {
  it('UpdateBillingSettingsSection replaces the section and records the previous values', () => {
    spec.given([]).when(update(paused)).then([updated(paused)]);
    expect(fold(billingSettingsDecider, [updated(paused)]).settings).toEqual({ ...defaultBillingSettings, subscriptions: paused });
  });

  it('each field changes on its own', () => {
    spec.given([]).when(update({ ...defaultBillingSettings.subscriptions, creditUnusedTimeOnCancel: false })).then([updated({ creditUnusedTimeOnCancel: false, suspensionPolicy: 'continue_billing' })]);
    spec.given([]).when(update({ ...defaultBillingSettings.subscriptions, suspensionPolicy: 'pause_billing' })).then([updated({ creditUnusedTimeOnCancel: true, suspensionPolicy: 'pause_billing' })]);
  });

  it('the same values again change nothing', () => {
    spec.given([]).when(update(defaultBillingSettings.subscriptions)).thenNothing();
    spec.given([updated(paused)]).when(update(paused, later)).thenNothing();
  });

  it.each([
    ['an unknown policy', { ...paused, suspensionPolicy: 'stop_billing' }, 'subscriptions.suspensionPolicy', 'invalid_option'],
    ['a policy in the wrong case', { ...paused, suspensionPolicy: 'PAUSE_BILLING' }, 'subscriptions.suspensionPolicy', 'invalid_option'],
    ['a missing policy', { creditUnusedTimeOnCancel: true }, 'subscriptions.suspensionPolicy', 'required'],
    ['a credit flag that is not a boolean', { ...paused, creditUnusedTimeOnCancel: 'yes' }, 'subscriptions.creditUnusedTimeOnCancel', 'invalid_type'],
    ['a missing credit flag', { suspensionPolicy: 'pause_billing' }, 'subscriptions.creditUnusedTimeOnCancel', 'required'],
    ['an unknown field', { ...paused, prorateOnResume: true }, 'subscriptions.prorateOnResume', 'unknown_field'],
    ['no object at all', null, 'subscriptions', 'required'],
    ['a list', [], 'subscriptions', 'invalid_type'],
  ])('refuses %s with VALIDATION_FAILED naming the path and appends nothing', (_what, values, path, code) => {
    spec.given([]).when(update(values)).thenThrows('VALIDATION_FAILED', /^Invalid billing settings \(subscriptions\)/);
    const error = thrownBy([updated(paused)], update(values, later));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.errors).toEqual([expect.objectContaining({ path, code })]);
  });

  it('emits events that match their schema (version 2)', () => {
    const [event] = billingSettingsDecider.decide(update(paused), fold(billingSettingsDecider, []));
    const schema = billingSettingsEventSchemas.BillingSettingsSectionUpdated;
    expect(schema.schemaVersion).toBe(2);
    expect(schema.data.parse(event?.data)).toEqual(event?.data);
    expect(() => schema.data.parse({ ...event?.data, values: { ...paused, suspensionPolicy: 'stop_billing' } })).toThrow();
  });
});

describe('the subscriptions section: resets', () => {
  it('a reset of the section restores its defaults and records what it held', () => {
    const expected: BillingSettingsReset = { type: 'BillingSettingsReset', data: { sections: ['subscriptions'], previous: { subscriptions: paused }, resetAt: later } };
    spec.given([updated(paused)]).when(reset('subscriptions')).then([expected]);
    expect(fold(billingSettingsDecider, [updated(paused), expected]).settings).toEqual(defaultBillingSettings);
  });

  it('a reset of everything names the section only when it differed', () => {
    const features = { ...defaultBillingSettings.features, reporting: false };
    const featuresChanged: BillingSettingsSectionUpdated = { type: 'BillingSettingsSectionUpdated', data: { section: 'features', values: features, previous: defaultBillingSettings.features, updatedAt: now } };
    spec
      .given([featuresChanged])
      .when(reset())
      .then([{ type: 'BillingSettingsReset', data: { sections: ['features'], previous: { features }, resetAt: later } }]);
    spec
      .given([featuresChanged, updated(paused)])
      .when(reset())
      .then([{ type: 'BillingSettingsReset', data: { sections: ['features', 'subscriptions'], previous: { features, subscriptions: paused }, resetAt: later } }]);
  });

  it('a reset of the section at its defaults changes nothing', () => {
    spec.given([]).when(reset('subscriptions')).thenNothing();
  });
});

describe('withDefaultSections (read models written before a section existed)', () => {
  it('completes missing sections with their defaults and keeps every section present', () => {
    const { subscriptions: _missing, ...older } = { ...defaultBillingSettings, company: { ...defaultBillingSettings.company, name: 'Kept' } };
    const completed: BillingSettings = withDefaultSections(older);
    expect(completed.subscriptions).toEqual(defaultBillingSettings.subscriptions);
    expect(completed.company.name).toBe('Kept');
    expect(withDefaultSections({ ...defaultBillingSettings, subscriptions: paused }).subscriptions).toEqual(paused);
    expect(Object.keys(withDefaultSections({})).sort()).toEqual([...billingSettingsSections].sort());
  });
});
