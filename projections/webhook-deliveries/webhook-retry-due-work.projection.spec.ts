import { describe, expect, it } from '@jest/globals';
import type { JsonObject, RecordedEvent } from '../../libs/event-store/src/index.js';
import { WEBHOOK_RETRY_WORK_KIND, webhookRetryPlan, webhookRetryWorkKey } from './webhook-retry-due-work.projection.js';

/**
 * Retries as due work (docs/webhooks.md, "Retries run on the tenant's clock"): a failed attempt states the next one at
 * its nextAttemptAt, in the endpoint's lane; every attempt record withdraws the obligation it fulfilled; a delivery, a
 * give-up or an abandon states nothing more.
 */

const source = { eventId: '9b0f3c1e-3f55-4f1a-9d59-0d6d4a7f1a01', streamId: 'acme:invoice-inv-1', revision: '1', position: '42.7' };
const messageId = '9b0f3c1e-3f55-4f1a-9d59-0d6d4a7f1a01';

function recorded(type: string, data: JsonObject): RecordedEvent {
  return {
    streamId: `acme:webhook_message-erp-${messageId}`,
    revision: 0n,
    eventId: 'e8a2f1a0-0000-4000-8000-000000000001',
    type,
    data,
    metadata: { schemaVersion: 1 },
    position: { commit: 50n, prepare: 1n },
    recordedAt: new Date('2026-03-02T09:00:00.000Z'),
  };
}

function attempted(attempt: number, status: 'delivered' | 'failed' | 'gave_up', nextAttemptAt: string | null, round = 0): RecordedEvent {
  return recorded('WebhookDeliveryAttempted', {
    endpointId: 'erp',
    messageId,
    eventType: 'invoice.created',
    source,
    round,
    attempt,
    status,
    responseStatus: status === 'delivered' ? 200 : 500,
    durationMs: 12,
    error: status === 'delivered' ? null : 'HTTP 500',
    attemptedAt: '2026-03-02T09:00:00.000Z',
    nextAttemptAt,
  });
}

describe('webhook retries as due work', () => {
  it('a failure states the next attempt at its nextAttemptAt, in the endpoint\'s lane, and withdraws its own', () => {
    const plan = webhookRetryPlan(attempted(1, 'failed', '2026-03-02T09:00:05.000Z'));
    expect(plan.remove).toEqual([webhookRetryWorkKey('erp', messageId, 0, 1)]);
    expect(plan.upsert).toEqual([
      {
        workKey: `webhook:erp:${messageId}:0:2`,
        kind: WEBHOOK_RETRY_WORK_KIND,
        dueAt: '2026-03-02T09:00:05.000Z',
        lane: 'webhook:erp',
        payload: { endpointId: 'erp', messageId, eventType: 'invoice.created', round: 0, attempt: 2, source },
      },
    ]);
  });

  it.each<[string, RecordedEvent, string]>([
    ['a delivery', attempted(3, 'delivered', null), `webhook:erp:${messageId}:0:3`],
    ['a give-up after the last attempt', attempted(10, 'gave_up', null), `webhook:erp:${messageId}:0:10`],
    ['a delivery in a replay round', attempted(1, 'delivered', null, 2), `webhook:erp:${messageId}:2:1`],
  ])('%s withdraws its obligation and states none', (_case, event, removed) => {
    const plan = webhookRetryPlan(event);
    expect(plan.remove).toEqual([removed]);
    expect(plan.upsert ?? []).toEqual([]);
  });

  it('an abandon withdraws the pending retry (the one after the attempts made)', () => {
    const plan = webhookRetryPlan(
      recorded('WebhookDeliveryAbandoned', { endpointId: 'erp', messageId, eventType: 'invoice.created', source, round: 1, attempts: 4, reason: 'endpoint_disabled', abandonedAt: '2026-03-02T10:00:00.000Z' }),
    );
    expect(plan).toEqual({ remove: [webhookRetryWorkKey('erp', messageId, 1, 5)] });
  });

  it('retries of two endpoints are two lanes; two messages of one endpoint share one', () => {
    const failed = attempted(1, 'failed', '2026-03-02T09:00:05.000Z');
    const otherMessage = { ...failed, data: { ...failed.data, messageId: 'c1d2e3f4-0000-4000-8000-000000000002' } };
    const otherEndpoint = { ...failed, data: { ...failed.data, endpointId: 'crm' } };
    const upserts = [failed, otherMessage, otherEndpoint].map((event) => webhookRetryPlan(event).upsert?.[0]);
    expect(upserts.map((entry) => entry?.lane)).toEqual(['webhook:erp', 'webhook:erp', 'webhook:crm']);
    expect(new Set(upserts.map((entry) => entry?.workKey)).size).toBe(3);
  });
});
