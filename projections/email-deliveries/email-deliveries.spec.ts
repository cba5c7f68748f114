import { describe, expect, it } from '@jest/globals';
import { emailDecider, emailEventSchemas, type EmailCommand, type EmailEvent } from '../../libs/billing/src/index.js';
import type { JsonObject, RecordedEvent } from '../../libs/event-store/src/index.js';
import { emailDueWorkOf, emailRetryWorkKey, emailWorkKinds } from './email-due-work.projection.js';
import { emailRowAfter } from './emails.projection.js';
import type { Row } from '../common/batch-rows.js';

const tenantId = 'acme';
const emailId = 'email-1';
const identity = { emailId, kind: 'invoice' as const, documentId: 'inv-1', customerId: 'cus-1' };
const t0 = '2026-03-02T09:00:00.000Z';
const plus = (minutes: number): string => new Date(Date.parse(t0) + minutes * 60_000).toISOString();

function recorded(event: EmailEvent, revision = 0): RecordedEvent {
  return {
    streamId: `${tenantId}:email-${emailId}`,
    revision: BigInt(revision),
    eventId: `event-${revision}`,
    type: event.type,
    data: event.data as unknown as JsonObject,
    metadata: { schemaVersion: emailEventSchemas[event.type].schemaVersion },
    position: { commit: BigInt(revision + 1), prepare: BigInt(revision + 1) },
    recordedAt: new Date(t0),
  };
}

/** The events a sequence of commands decides, each on the state the previous ones left. */
function history(commands: readonly EmailCommand[]): EmailEvent[] {
  let state = emailDecider.initialState;
  const events: EmailEvent[] = [];
  for (const command of commands) {
    for (const event of emailDecider.decide(command, state)) {
      state = emailDecider.evolve(state, event);
      events.push(event);
    }
  }
  return events;
}

const failed = (attempt: number, at: string, permanent = false): EmailCommand => ({
  type: 'RecordEmailSendFailed',
  data: { ...identity, attempt, to: 'a@b.example', reason: 'smtp 451 later', permanent },
  metadata: { now: at },
});
const due = (attempt: number, at: string): EmailCommand => ({ type: 'MarkEmailRetryDue', data: { emailId, attempt }, metadata: { now: at } });
const sent = (attempt: number, at: string): EmailCommand => ({ type: 'RecordEmailSent', data: { ...identity, attempt, to: 'a@b.example', subject: 'Invoice INV-1', messageId: '<m@x>' }, metadata: { now: at } });

describe('the email retries\' due work', () => {
  it('a failure with a next attempt states that attempt, due at its time, in the email\'s lane', () => {
    const [failure] = history([failed(1, t0)]);
    expect(emailDueWorkOf(recorded(failure!))).toEqual({
      upsert: [{ workKey: 'email:email-1:attempt:2', kind: emailWorkKinds.retry, dueAt: plus(1), payload: { emailId, attempt: 2 }, lane: 'email:email-1' }],
    });
  });

  it('the attempt marked due withdraws its work; a failure with no next attempt and a success state nothing', () => {
    const events = history([failed(1, t0), due(2, plus(1)), sent(2, plus(2))]);
    expect(events.map((event) => emailDueWorkOf(recorded(event)))).toEqual([
      { upsert: [expect.objectContaining({ workKey: emailRetryWorkKey(emailId, 2) })] },
      { remove: ['email:email-1:attempt:2'] },
      {},
    ]);
    expect(emailDueWorkOf(recorded(history([failed(1, t0, true)])[0]!))).toEqual({});
  });

  it('each retry has its own key, so each has its own command id', () => {
    const events = history([failed(1, t0), due(2, plus(1)), failed(2, plus(1)), due(3, plus(6)), failed(3, plus(6))]);
    const keys = events.flatMap((event) => emailDueWorkOf(recorded(event)).upsert ?? []).map((entry) => [entry.workKey, entry.dueAt]);
    expect(keys).toEqual([
      ['email:email-1:attempt:2', plus(1)],
      ['email:email-1:attempt:3', plus(6)],
      ['email:email-1:attempt:4', plus(36)],
    ]);
  });
});

describe('the emails read model row', () => {
  function rowAfter(events: readonly EmailEvent[]): Row | undefined {
    return events.reduce<Row | undefined>((row, event) => emailRowAfter(row, tenantId, event), undefined);
  }

  it('follows an email from failure to retry to success', () => {
    const events = history([failed(1, t0), due(2, plus(1)), sent(2, plus(2))]);
    expect(rowAfter(events.slice(0, 1))).toMatchObject({ status: 'retrying', attempts: 1, last_error: 'smtp 451 later', next_attempt_at: plus(1), created_at: t0, updated_at: t0 });
    expect(rowAfter(events.slice(0, 2))).toMatchObject({ status: 'pending', attempts: 1, updated_at: plus(1) });
    expect(rowAfter(events)).toEqual({
      tenant_id: tenantId,
      email_id: emailId,
      kind: 'invoice',
      document_id: 'inv-1',
      customer_id: 'cus-1',
      recipient: 'a@b.example',
      subject: 'Invoice INV-1',
      status: 'sent',
      attempts: 2,
      message_id: '<m@x>',
      last_error: 'smtp 451 later',
      next_attempt_at: null,
      sent_at: plus(2),
      created_at: t0,
      updated_at: plus(2),
    });
  });

  it('a request is pending; a permanent failure is failed; a retry mark for an unknown email changes nothing', () => {
    const requested: EmailEvent = { type: 'EmailRequested', data: { ...identity, requestedAt: t0 } };
    expect(rowAfter([requested])).toMatchObject({ status: 'pending', attempts: 0, recipient: null, created_at: t0 });
    expect(rowAfter(history([failed(1, t0, true)]))).toMatchObject({ status: 'failed', next_attempt_at: null });
    expect(emailRowAfter(undefined, tenantId, { type: 'EmailRetryDue', data: { emailId, attempt: 2, dueAt: t0 } })).toBeUndefined();
  });
});
