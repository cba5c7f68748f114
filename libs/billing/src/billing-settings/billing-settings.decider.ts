import { assertNever } from '../common/assert-never.js';
import { requireInstant } from '../common/calendar-date.js';
import type { Decider } from '../common/decider.js';
import { DomainError, translatingMoneyErrors } from '../common/domain-error.js';
import { requireIdentifier, requireOneOf, requireText, validationFailed } from '../common/validation.js';
import type { TaxRate } from '../tax/tax-rate.js';
import {
  billingSettingsLimits,
  billingSettingsSections,
  type BillingSettings,
  type BillingSettingsSection,
  type NotificationSettings,
  type NotificationSettingsInput,
  type WebhookEndpoint,
  type WebhookEndpointInput,
} from './billing-settings.js';
import type {
  BillingSettingsCommand,
  CreateTaxRate,
  DeactivateTaxRate,
  DisableWebhookEndpoint,
  ResetBillingSettings,
  UpdateBillingSettingsSection,
  UpdateTaxRate,
} from './billing-settings.commands.js';
import type { BillingSettingsEvent, BillingSettingsSectionUpdated } from './billing-settings.events.js';
import { evolveBillingSettings, initialBillingSettingsState, resetSectionValues, type BillingSettingsState } from './billing-settings.state.js';
import { keepsWebhookSecret, validateBillingSettingsSection, validateTaxRate, sectionCandidate, type SettingsValidationError } from './billing-settings.validation.js';

/**
 * Order of checks in every command: the metadata, then the command's own data, then rules that relate it to the
 * state. A command that would change nothing (the same values again, a reset of defaults, a second deactivation)
 * decides no event, so a retried command is harmless.
 */
export function decideBillingSettings(command: BillingSettingsCommand, state: BillingSettingsState): BillingSettingsEvent[] {
  return translatingMoneyErrors(() => {
    requireInstant(command.metadata?.now, 'metadata.now');
    switch (command.type) {
      case 'UpdateBillingSettingsSection':
        return updateSection(command, state);
      case 'ResetBillingSettings':
        return reset(command, state);
      case 'CreateTaxRate':
        return createTaxRate(command, state);
      case 'UpdateTaxRate':
        return updateTaxRate(command, state);
      case 'DeactivateTaxRate':
        return deactivateTaxRate(command, state);
      case 'DisableWebhookEndpoint':
        return disableWebhookEndpoint(command, state);
      default:
        return assertNever(command, 'billing settings command');
    }
  });
}

export const billingSettingsDecider: Decider<BillingSettingsCommand, BillingSettingsEvent, BillingSettingsState> = {
  decide: decideBillingSettings,
  evolve: evolveBillingSettings,
  initialState: initialBillingSettingsState,
};

/** VALIDATION_FAILED listing every violation in `details.errors` (paths, codes, messages; never a secret). */
function settingsInvalid(what: string, errors: SettingsValidationError[]): DomainError {
  return validationFailed(`Invalid ${what}: ${errors.map((error) => error.message).join('; ')}`, { errors });
}

function updateSection({ data, metadata }: UpdateBillingSettingsSection, state: BillingSettingsState): BillingSettingsEvent[] {
  const section = requireOneOf(data?.section, 'section', billingSettingsSections);
  const result = validateBillingSettingsSection(state.settings, section, data.values);
  if (result.errors.length > 0) throw settingsInvalid(`billing settings (${section})`, result.errors);
  // Validation proved the shape (every key, no unknown key, right types); the copy drops anything but plain data.
  const candidate = sectionCandidate(state.settings, section, data.values).values;
  const stored = section === 'notifications' ? storedNotifications(candidate as NotificationSettingsInput, state.settings.notifications, metadata.now) : candidate;
  const values = plainCopy(stored) as BillingSettings[typeof section];
  const previous = state.settings[section];
  if (deepEqual(values, previous)) return [];
  const event = { section, values, previous, updatedAt: metadata.now } as BillingSettingsSectionUpdated['data'];
  return [{ type: 'BillingSettingsSectionUpdated', data: event }];
}

function reset({ data, metadata }: ResetBillingSettings, state: BillingSettingsState): BillingSettingsEvent[] {
  const requested: readonly BillingSettingsSection[] =
    data?.section === undefined || data.section === null ? billingSettingsSections : [requireOneOf(data.section, 'section', billingSettingsSections)];
  const sections = requested.filter((section) => !deepEqual(resetSectionValues(state.settings, section), state.settings[section]));
  if (sections.length === 0) return [];
  const previous: Partial<BillingSettings> = {};
  for (const section of sections) Object.assign(previous, { [section]: state.settings[section] });
  return [{ type: 'BillingSettingsReset', data: { sections, previous, resetAt: metadata.now } }];
}

function createTaxRate({ data, metadata }: CreateTaxRate, state: BillingSettingsState): BillingSettingsEvent[] {
  const taxRateId = requireIdentifier(data?.taxRateId, 'taxRateId');
  const existing = findRate(state, taxRateId);
  if (existing !== undefined) {
    throw new DomainError('ALREADY_EXISTS', `Tax rate ${JSON.stringify(taxRateId)} already exists`, { taxRateId });
  }
  const rates = state.settings.tax.rates;
  if (rates.length >= billingSettingsLimits.taxRatesMax) {
    throw settingsInvalid('tax rates', [
      { path: 'tax.rates', code: 'too_many', message: `tax.rates must hold at most ${billingSettingsLimits.taxRatesMax} entries: deactivated rates count too` },
    ]);
  }
  const taxRate = {
    id: taxRateId,
    name: data.name,
    type: data.type,
    rate: data.rate,
    jurisdiction: data.jurisdiction,
    inclusive: data.inclusive ?? false,
    compound: data.compound ?? false,
    active: true,
  };
  const errors = validateTaxRate(taxRate);
  if (errors.length > 0) throw settingsInvalid(`tax rate ${JSON.stringify(taxRateId)}`, errors);
  return [{ type: 'TaxRateCreated', data: { taxRate: plainCopy(taxRate) as TaxRate, createdAt: metadata.now } }];
}

const updatableTaxRateFields = ['name', 'type', 'rate', 'jurisdiction', 'inclusive', 'compound'] as const;

function updateTaxRate({ data, metadata }: UpdateTaxRate, state: BillingSettingsState): BillingSettingsEvent[] {
  const taxRateId = requireIdentifier(data?.taxRateId, 'taxRateId');
  const previous = requireRate(state, taxRateId);
  if (!previous.active) {
    throw new DomainError(
      'TAX_RATE_INACTIVE',
      `Tax rate ${JSON.stringify(taxRateId)} is deactivated: it can no longer change; create a new rate instead`,
      { taxRateId },
    );
  }
  const changes: Partial<TaxRate> = {};
  for (const field of updatableTaxRateFields) {
    if (data[field] !== undefined) Object.assign(changes, { [field]: data[field] });
  }
  const taxRate = { ...previous, ...changes };
  const errors = validateTaxRate(taxRate);
  if (errors.length > 0) throw settingsInvalid(`tax rate ${JSON.stringify(taxRateId)}`, errors);
  if (deepEqual(taxRate, previous)) return [];
  return [{ type: 'TaxRateUpdated', data: { taxRate: plainCopy(taxRate) as TaxRate, previous, updatedAt: metadata.now } }];
}

function deactivateTaxRate({ data, metadata }: DeactivateTaxRate, state: BillingSettingsState): BillingSettingsEvent[] {
  const taxRateId = requireIdentifier(data?.taxRateId, 'taxRateId');
  const rate = requireRate(state, taxRateId);
  if (!rate.active) return [];
  return [{ type: 'TaxRateDeactivated', data: { taxRateId, deactivatedAt: metadata.now } }];
}

/**
 * The notifications an update stores. Its secrets stay out: a new secret becomes the reference the application
 * stored it under (with its last four characters), and the secret it replaces stays valid beside it for 24 hours
 * (`previousSecretRef`, until `now` + 24 h), as long as the endpoint keeps its auth type and origin (a replaced token
 * is never offered to another host). A secret left out is kept with everything known about it; none means none.
 */
function storedNotifications(input: NotificationSettingsInput, current: NotificationSettings, now: string): NotificationSettings {
  const errors: SettingsValidationError[] = [];
  const webhooks = input.webhooks.map((endpoint, index) =>
    storedEndpoint(endpoint, current.webhooks.find((stored) => stored.id === endpoint.id), now, `notifications.webhooks[${index}]`, errors),
  );
  if (errors.length > 0) throw settingsInvalid('billing settings (notifications)', errors);
  return { email: input.email, webhooks };
}

const noSecret = { secretRef: null, secretLast4: null, previousSecretRef: null, previousSecretExpiresAt: null } as const;
const HOUR_MS = 3_600_000;

function storedEndpoint(input: WebhookEndpointInput, existing: WebhookEndpoint | undefined, now: string, path: string, errors: SettingsValidationError[]): WebhookEndpoint {
  const endpoint = { id: input.id, url: input.url, events: input.events, authType: input.authType, enabled: input.enabled };
  if (input.authType === 'none' || input.secret === null) return { ...endpoint, ...noSecret };
  const kept = existing === undefined ? noSecret : existing;
  const keep = { secretRef: kept.secretRef, secretLast4: kept.secretLast4, previousSecretRef: kept.previousSecretRef, previousSecretExpiresAt: kept.previousSecretExpiresAt };
  // Validation allowed a secret left out only where the stored one may stay.
  if (input.secret === undefined) return { ...endpoint, ...keep };
  const reference = input.secretRef;
  if (typeof reference !== 'string' || reference.trim() !== reference || reference.length === 0 || reference.length > billingSettingsLimits.secretReferenceLengthMax) {
    errors.push({ path: `${path}.secretRef`, code: 'required', message: `${path}.secretRef is required with a new secret: the application stores the secret and gives its reference` });
    return { ...endpoint, ...noSecret };
  }
  // The same reference again is the same secret (a command decided twice): nothing rotates.
  if (reference === existing?.secretRef) return { ...endpoint, ...keep };
  const rotates = existing !== undefined && keepsWebhookSecret(existing, input.authType, input.url);
  return {
    ...endpoint,
    secretRef: reference,
    secretLast4: input.secret.length >= billingSettingsLimits.webhookSecretLengthMin ? input.secret.slice(-4) : null,
    previousSecretRef: rotates ? existing.secretRef : null,
    previousSecretExpiresAt: rotates ? new Date(Date.parse(now) + billingSettingsLimits.webhookPreviousSecretValidHours * HOUR_MS).toISOString() : null,
  };
}

function disableWebhookEndpoint({ data, metadata }: DisableWebhookEndpoint, state: BillingSettingsState): BillingSettingsEvent[] {
  const endpointId = requireIdentifier(data?.endpointId, 'endpointId');
  const reason = requireText(data.reason, 'reason', billingSettingsLimits.webhookDisabledReasonLengthMax);
  const endpoint = state.settings.notifications.webhooks.find((webhook) => webhook.id === endpointId);
  if (endpoint === undefined) throw new DomainError('NOT_FOUND', `Webhook endpoint ${JSON.stringify(endpointId)} does not exist`, { endpointId });
  if (!endpoint.enabled) return [];
  return [{ type: 'WebhookEndpointDisabled', data: { endpointId, reason, disabledAt: metadata.now } }];
}

function findRate(state: BillingSettingsState, taxRateId: string): TaxRate | undefined {
  return state.settings.tax.rates.find((rate) => rate.id === taxRateId);
}

function requireRate(state: BillingSettingsState, taxRateId: string): TaxRate {
  const rate = findRate(state, taxRateId);
  if (rate === undefined) throw new DomainError('NOT_FOUND', `Tax rate ${JSON.stringify(taxRateId)} does not exist`, { taxRateId });
  return rate;
}

/** A copy made only of JSON values: validated settings are plain data, and events must not share objects with commands. */
function plainCopy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
