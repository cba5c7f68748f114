import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { billingSettingsDecider, defaultBillingSettings, fold, type BillingSettingsEvent, type WebhookEndpointInput } from '../../../billing/src/index.js';
import type { CommandContext } from '../../../application/src/index.js';
import { InMemorySecretStore, secretReference, type SecretStore } from '../../../secrets/src/index.js';
import { notificationsWithStoredSecrets } from './webhook-secrets.js';

/**
 * How a notifications update meets the secret store: a new secret is stored (under a reference from the command id)
 * only when the decider accepts the update; a secret sent again unchanged is not new; the command names references.
 */

const signing = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const rotated = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const bearer = 'tok_0123456789abcdefghij';
const context = (): CommandContext => {
  const commandId = randomUUID();
  return { tenantId: 'acme', actor: 'test', commandId, correlationId: commandId, causationId: commandId, now: '2026-03-02T09:00:00.000Z' };
};
const hook = (overrides: Partial<WebhookEndpointInput> = {}): WebhookEndpointInput => ({
  id: 'wh-1',
  url: 'https://hooks.example.com/ledger',
  events: ['invoice.paid'],
  authType: 'signature',
  enabled: true,
  ...overrides,
});
const notifications = (...webhooks: WebhookEndpointInput[]) => ({ email: defaultBillingSettings.notifications.email, webhooks });

/** The settings state after `webhooks` were saved (through the same path), and the store that holds their secrets. */
async function saved(secrets: SecretStore, ...webhooks: WebhookEndpointInput[]) {
  const command = context();
  const values = await notificationsWithStoredSecrets({ secrets }, command, fold(billingSettingsDecider, []), notifications(...webhooks));
  const events = billingSettingsDecider.decide({ type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values }, metadata: { now: command.now } }, fold(billingSettingsDecider, []));
  return { state: fold(billingSettingsDecider, events as BillingSettingsEvent[]), command };
}

describe('notificationsWithStoredSecrets', () => {
  it('stores each new secret under the reference of its command and endpoint, and passes the reference on', async () => {
    const secrets = new InMemorySecretStore();
    const command = context();
    const values = await notificationsWithStoredSecrets({ secrets }, command, fold(billingSettingsDecider, []), notifications(hook({ secret: signing }), hook({ id: 'crm', authType: 'bearer_token', secret: bearer })));
    const references = [secretReference(command.commandId, 'webhook:wh-1'), secretReference(command.commandId, 'webhook:crm')];
    expect(values.webhooks.map((webhook) => webhook.secretRef)).toEqual(references);
    expect(await secrets.reveal('acme', references[0] as string)).toBe(signing);
    expect(await secrets.reveal('acme', references[1] as string)).toBe(bearer);
  });

  it('stores nothing when the decider refuses the update (one bad endpoint refuses all)', async () => {
    const secrets = new InMemorySecretStore();
    const refused = notificationsWithStoredSecrets({ secrets }, context(), fold(billingSettingsDecider, []), notifications(hook({ secret: signing }), hook({ id: 'crm', authType: 'bearer_token', secret: 'short' })));
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(secrets.size).toBe(0);
  });

  it('stores no secret for an endpoint without auth, which keeps none', async () => {
    const secrets = new InMemorySecretStore();
    await notificationsWithStoredSecrets({ secrets }, context(), fold(billingSettingsDecider, []), notifications(hook({ authType: 'none', secret: bearer })));
    expect(secrets.size).toBe(0);
  });

  it('treats a stored secret sent again as kept: no new reference, nothing stored, and the decider then appends nothing', async () => {
    const secrets = new InMemorySecretStore();
    const { state } = await saved(secrets, hook({ secret: signing }));
    const again = context();
    const values = await notificationsWithStoredSecrets({ secrets }, again, state, notifications(hook({ secret: signing })));
    expect(values.webhooks[0]).not.toHaveProperty('secret');
    expect(secrets.size).toBe(1);
    expect(billingSettingsDecider.decide({ type: 'UpdateBillingSettingsSection', data: { section: 'notifications', values }, metadata: { now: again.now } }, state)).toEqual([]);
  });

  it('stores a changed secret under a new reference (the decider keeps the old one for 24 hours)', async () => {
    const secrets = new InMemorySecretStore();
    const { state, command: first } = await saved(secrets, hook({ secret: signing }));
    const second = context();
    const values = await notificationsWithStoredSecrets({ secrets }, second, state, notifications(hook({ secret: rotated })));
    const reference = secretReference(second.commandId, 'webhook:wh-1');
    expect(values.webhooks[0]?.secretRef).toBe(reference);
    expect(await secrets.reveal('acme', reference)).toBe(rotated);
    expect(await secrets.reveal('acme', secretReference(first.commandId, 'webhook:wh-1'))).toBe(signing);
  });

  it('is a new secret when the endpoint moves to another host, even if it is the same text (never compared across hosts)', async () => {
    const secrets = new InMemorySecretStore();
    const { state } = await saved(secrets, hook({ authType: 'bearer_token', secret: bearer }));
    const moved = context();
    const values = await notificationsWithStoredSecrets({ secrets }, moved, state, notifications(hook({ authType: 'bearer_token', url: 'https://other.example.org/in', secret: bearer })));
    expect(values.webhooks[0]?.secretRef).toBe(secretReference(moved.commandId, 'webhook:wh-1'));
    expect(secrets.size).toBe(2);
  });

  it('passes anything but a list of endpoints to the decider as it is, to refuse', async () => {
    const values = { email: defaultBillingSettings.notifications.email, webhooks: null } as unknown as ReturnType<typeof notifications>;
    await expect(notificationsWithStoredSecrets({ secrets: new InMemorySecretStore() }, context(), fold(billingSettingsDecider, []), values)).resolves.toBe(values);
  });
});
