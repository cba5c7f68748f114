import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { rebuildProjection, waitForProjections } from '../../libs/projection-runtime/src/index.js';
import { billingSettingsHistoryProjection, billingSettingsProjection } from '../../projections/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { startTestLedger, type TestLedger } from '../support/ledger-test-app.js';
import { readModelSnapshot } from '../support/read-model-snapshot.js';
import { settledHead } from '../../libs/testing/src/settled-log.js';

/**
 * The `subscriptions` section of the billing settings through the API: whether cancelling now credits unused time
 * (default: yes) and whether billing continues or pauses while a subscription is suspended (default: continues, since
 * dunning suspends for non-payment and the debt keeps running). Updated, validated, reset and audited like every
 * section, and readable for tenants whose settings predate it.
 */

const SUBSCRIPTIONS = 'subscriptions { creditUnusedTimeOnCancel suspensionPolicy }';
const SETTINGS = `query ($minPosition: String) { billingSettings(minPosition: $minPosition) { ${SUBSCRIPTIONS} company { name } updatedAt } }`;
const UPDATE = `mutation ($input: UpdateSubscriptionSettingsInput!) { updateSubscriptionSettings(input: $input) { position settings { ${SUBSCRIPTIONS} } } }`;
const UPDATE_COMPANY = 'mutation ($input: UpdateCompanySettingsInput!) { updateCompanySettings(input: $input) { position } }';
const RESET = `mutation ($input: ResetBillingSettingsInput!) { resetBillingSettings(input: $input) { position settings { ${SUBSCRIPTIONS} } } }`;
const VALIDATE = `query ($subscriptions: SubscriptionSettingsInput) { validateBillingSettings(section: SUBSCRIPTIONS, subscriptions: $subscriptions) { valid errors { path code } } }`;
const HISTORY = `query ($section: BillingSettingsSection, $minPosition: String) {
  billingSettingsHistory(section: $section, minPosition: $minPosition) { edges { node { type section sections actor values previous } } }
}`;

interface SubscriptionSettingsView {
  readonly creditUnusedTimeOnCancel: boolean;
  readonly suspensionPolicy: 'CONTINUE_BILLING' | 'PAUSE_BILLING';
}
interface Change {
  readonly type: string;
  readonly section: string | null;
  readonly sections: string[];
  readonly actor: string;
  readonly values: Record<string, unknown>;
  readonly previous: Record<string, unknown> | null;
}

const defaults: SubscriptionSettingsView = { creditUnusedTimeOnCancel: true, suspensionPolicy: 'CONTINUE_BILLING' };

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await startTestLedger();
});

afterAll(async () => {
  await ledger?.stop();
});

async function tenantWithKeys(tenantId: string): Promise<{ tenantId: string; key: string; auditor: string; actor: string }> {
  const key = await ledger.createKey(tenantId, 'admin');
  const auditor = await ledger.createKey(tenantId, 'auditor');
  const principal = await ledger.services.apiKeys.authenticate(key);
  if (!principal) throw new Error('the key just registered does not authenticate');
  return { tenantId, key, auditor, actor: `api-key:${principal.keyId}` };
}

async function read(key: string, minPosition?: string): Promise<{ subscriptions: SubscriptionSettingsView; company: { name: string | null }; updatedAt: string | null }> {
  return requireData(await ledger.graphql<{ billingSettings: { subscriptions: SubscriptionSettingsView; company: { name: string | null }; updatedAt: string | null } }>(SETTINGS, { minPosition }, key), 'billingSettings')
    .billingSettings;
}

function update(key: string, input: Record<string, unknown>): Promise<GraphQLHttpResponse<{ updateSubscriptionSettings: { position: string; settings: { subscriptions: SubscriptionSettingsView } } }>> {
  return ledger.graphql(UPDATE, { input }, key);
}

async function updated(key: string, input: Record<string, unknown>): Promise<{ position: string; subscriptions: SubscriptionSettingsView }> {
  const { position, settings } = requireData(await update(key, input), 'updateSubscriptionSettings').updateSubscriptionSettings;
  return { position, subscriptions: settings.subscriptions };
}

async function history(key: string, minPosition: string): Promise<Change[]> {
  const data = requireData(await ledger.graphql<{ billingSettingsHistory: { edges: { node: Change }[] } }>(HISTORY, { section: 'SUBSCRIPTIONS', minPosition }, key), 'billingSettingsHistory');
  return data.billingSettingsHistory.edges.map(({ node }) => node);
}

/** Fails with `code`, no data, and the tenant's log did not grow. */
async function expectRejected(tenantId: string, code: string, send: () => Promise<GraphQLHttpResponse<unknown>>): Promise<GraphQLHttpResponse<unknown>> {
  const before = (await ledger.tenantEvents(tenantId)).length;
  const response = await send();
  expect(firstErrorCode(response)).toBe(code);
  expect(response.status).toBeLessThan(500);
  expect((await ledger.tenantEvents(tenantId)).length).toBe(before);
  return response;
}

describe('the subscriptions section', () => {
  it('defaults to crediting unused time and continuing to bill while suspended', async () => {
    const { key } = await tenantWithKeys('subscriptions-defaults');
    expect((await read(key)).subscriptions).toEqual(defaults);
  });

  it('updates the fields given and keeps the others; reads back the same; every change is in the history with its actor', async () => {
    const { key, actor } = await tenantWithKeys('subscriptions-update');
    const first = await updated(key, { suspensionPolicy: 'PAUSE_BILLING' });
    expect(first.subscriptions).toEqual({ creditUnusedTimeOnCancel: true, suspensionPolicy: 'PAUSE_BILLING' });
    const second = await updated(key, { creditUnusedTimeOnCancel: false });
    expect(second.subscriptions).toEqual({ creditUnusedTimeOnCancel: false, suspensionPolicy: 'PAUSE_BILLING' });
    expect((await read(key, second.position)).subscriptions).toEqual(second.subscriptions);

    const changes = await history(key, second.position);
    expect(changes).toEqual([
      {
        type: 'BillingSettingsSectionUpdated',
        section: 'SUBSCRIPTIONS',
        sections: ['SUBSCRIPTIONS'],
        actor,
        values: { creditUnusedTimeOnCancel: false, suspensionPolicy: 'pause_billing' },
        previous: { creditUnusedTimeOnCancel: true, suspensionPolicy: 'pause_billing' },
      },
      {
        type: 'BillingSettingsSectionUpdated',
        section: 'SUBSCRIPTIONS',
        sections: ['SUBSCRIPTIONS'],
        actor,
        values: { creditUnusedTimeOnCancel: true, suspensionPolicy: 'pause_billing' },
        previous: { creditUnusedTimeOnCancel: true, suspensionPolicy: 'continue_billing' },
      },
    ]);
  });

  it('the same values again append nothing', async () => {
    const { tenantId, key } = await tenantWithKeys('subscriptions-same');
    await updated(key, { suspensionPolicy: 'PAUSE_BILLING' });
    const before = (await ledger.tenantEvents(tenantId)).length;
    expect((await updated(key, { suspensionPolicy: 'PAUSE_BILLING' })).subscriptions.suspensionPolicy).toBe('PAUSE_BILLING');
    expect((await updated(key, {})).subscriptions).toEqual({ creditUnusedTimeOnCancel: true, suspensionPolicy: 'PAUSE_BILLING' });
    expect((await ledger.tenantEvents(tenantId)).length).toBe(before);
  });

  it('refuses a null flag (VALIDATION_FAILED naming the field), an unknown policy, and other roles than writers, appending nothing', async () => {
    const { tenantId, key, auditor } = await tenantWithKeys('subscriptions-refused');
    const refused = await expectRejected(tenantId, 'VALIDATION_FAILED', () => update(key, { creditUnusedTimeOnCancel: null }));
    expect(refused.errors?.[0]?.extensions?.violations).toEqual([expect.objectContaining({ path: 'subscriptions.creditUnusedTimeOnCancel', code: 'invalid_type' })]);
    await expectRejected(tenantId, 'VALIDATION_FAILED', () => update(key, { suspensionPolicy: 'STOP_BILLING' }));
    await expectRejected(tenantId, 'FORBIDDEN', () => update(auditor, { suspensionPolicy: 'PAUSE_BILLING' }));
    expect((await read(key)).subscriptions).toEqual(defaults);
  });

  it('validateBillingSettings previews the section without writing', async () => {
    const { tenantId, key } = await tenantWithKeys('subscriptions-validate');
    const before = (await ledger.tenantEvents(tenantId)).length;
    const validate = async (subscriptions: Record<string, unknown>) =>
      requireData(await ledger.graphql<{ validateBillingSettings: { valid: boolean; errors: { path: string; code: string }[] } }>(VALIDATE, { subscriptions }, key), 'validate').validateBillingSettings;
    expect(await validate({ suspensionPolicy: 'PAUSE_BILLING' })).toEqual({ valid: true, errors: [] });
    expect(await validate({ creditUnusedTimeOnCancel: null })).toEqual({ valid: false, errors: [{ path: 'subscriptions.creditUnusedTimeOnCancel', code: 'invalid_type' }] });
    expect((await ledger.tenantEvents(tenantId)).length).toBe(before);
  });

  it('resets to the defaults, alone or with every section, recording what it held', async () => {
    const { key } = await tenantWithKeys('subscriptions-reset');
    await updated(key, { suspensionPolicy: 'PAUSE_BILLING', creditUnusedTimeOnCancel: false });
    const reset = requireData(await ledger.graphql<{ resetBillingSettings: { position: string; settings: { subscriptions: SubscriptionSettingsView } } }>(RESET, { input: { section: 'SUBSCRIPTIONS' } }, key), 'reset').resetBillingSettings;
    expect(reset.settings.subscriptions).toEqual(defaults);
    expect((await read(key, reset.position)).subscriptions).toEqual(defaults);
    const [latest] = await history(key, reset.position);
    expect(latest).toMatchObject({
      type: 'BillingSettingsReset',
      sections: ['SUBSCRIPTIONS'],
      values: { subscriptions: { creditUnusedTimeOnCancel: true, suspensionPolicy: 'continue_billing' } },
      previous: { subscriptions: { creditUnusedTimeOnCancel: false, suspensionPolicy: 'pause_billing' } },
    });

    await updated(key, { suspensionPolicy: 'PAUSE_BILLING' });
    const all = requireData(await ledger.graphql<{ resetBillingSettings: { position: string; settings: { subscriptions: SubscriptionSettingsView } } }>(RESET, { input: {} }, key), 'reset').resetBillingSettings;
    expect(all.settings.subscriptions).toEqual(defaults);
    expect((await history(key, all.position))[0]).toMatchObject({ type: 'BillingSettingsReset', sections: ['SUBSCRIPTIONS'] });
  });

  it('a read model row written before the section existed reads as the defaults, and the next change completes it', async () => {
    const { tenantId, key } = await tenantWithKeys('subscriptions-older-row');
    const { updateCompanySettings } = requireData(await ledger.graphql<{ updateCompanySettings: { position: string } }>(UPDATE_COMPANY, { input: { name: 'Before Subscriptions Ltd' } }, key), 'company');
    await read(key, updateCompanySettings.position);
    // The row as the projection wrote it before this section was added to the settings.
    await sql`update read_models.billing_settings set settings = settings - 'subscriptions' where tenant_id = ${tenantId}`.execute(ledger.services.db);
    const { rows } = await sql<{ has: boolean }>`select settings ? 'subscriptions' as has from read_models.billing_settings where tenant_id = ${tenantId}`.execute(ledger.services.db);
    expect(rows).toEqual([{ has: false }]);
    expect(await read(key)).toMatchObject({ subscriptions: defaults, company: { name: 'Before Subscriptions Ltd' } });

    const next = await updated(key, { suspensionPolicy: 'PAUSE_BILLING' });
    expect(await read(key, next.position)).toMatchObject({ subscriptions: { creditUnusedTimeOnCancel: true, suspensionPolicy: 'PAUSE_BILLING' }, company: { name: 'Before Subscriptions Ltd' } });
  });

  it('the settings read models rebuild from the log to the rows the live projections hold', async () => {
    const { key } = await tenantWithKeys('subscriptions-rebuild');
    const { position } = await updated(key, { suspensionPolicy: 'PAUSE_BILLING' });
    const { db, store } = ledger.services;
    // Settled: a short head (another suite's open transaction hides the newest commits) would let the rebuild below see
    // events the live projection was not yet waited for.
    const head = await settledHead(store, 'rebuild-head-marker');
    expect(await waitForProjections(db, [billingSettingsProjection.name, billingSettingsHistoryProjection.name], head, 10_000)).toBe(true);
    expect((await read(key, position)).subscriptions.suspensionPolicy).toBe('PAUSE_BILLING');
    for (const projection of [billingSettingsProjection, billingSettingsHistoryProjection]) {
      await rebuildProjection(store, db, projection, { buildSchema: `rebuilt_${projection.name}` });
      expect(await readModelSnapshot(db, `rebuilt_${projection.name}`, [projection])).toEqual(await readModelSnapshot(db, 'read_models', [projection]));
    }
  });
});
