import type { BillingSettingsSection, TaxType } from '../../../billing/src/index.js';

/** What the settings commands take: plain data, structurally what the GraphQL inputs carry. */
export interface CreateTaxRateCommandInput {
  /** Chosen by the caller; derived from the command id when absent. */
  readonly id?: string | null;
  readonly name: string;
  readonly type: TaxType;
  readonly rate: string;
  readonly jurisdiction: string;
  readonly inclusive?: boolean | null;
  readonly compound?: boolean | null;
}

export interface TaxRateIdInput {
  readonly taxRateId: string;
}

/** A field left out keeps its value; null counts as given (for the domain to refuse). */
export interface UpdateTaxRateCommandInput extends TaxRateIdInput {
  readonly name?: string | null;
  readonly type?: TaxType | null;
  readonly rate?: string | null;
  readonly jurisdiction?: string | null;
  readonly inclusive?: boolean | null;
  readonly compound?: boolean | null;
}

export interface ResetBillingSettingsCommandInput {
  /** Left out: every section. */
  readonly section?: BillingSettingsSection | null;
}

export interface WebhookEndpointIdInput {
  readonly endpointId: string;
}

/** Why the endpoint is switched off (e.g. "HTTP 410 Gone from the endpoint"): recorded in the event, shown in the history. */
export interface DisableWebhookEndpointCommandInput extends WebhookEndpointIdInput {
  readonly reason: string;
}
