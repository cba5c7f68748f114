import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { AbandonWebhookDelivery, RecordWebhookAttempt } from './webhook-message.commands.js';
import { webhookMessageDecider } from './webhook-message.decider.js';
import { webhookMessageEventSchemas, type WebhookDeliveryAttempted, type WebhookMessageEvent } from './webhook-message.events.js';
import { isAttemptMade } from './webhook-message.state.js';

const spec = DeciderSpecification.for(webhookMessageDecider);

const now = '2026-03-02T09:00:00.000Z';
const source = { eventId: '5d1f2c84-0f4e-4d7e-9f0e-1c0f3a1b2c3d', streamId: 'acme:invoice-inv-1', revision: '3', position: '120.120' };
const unchecked = <T>(value: unknown): T => value as T;

function attempt(data: Partial<RecordWebhookAttempt['data']> = {}, at = now): RecordWebhookAttempt {
  return {
    type: 'RecordWebhookAttempt',
    data: {
      endpointId: 'wh-1',
      messageId: source.eventId,
      eventType: 'invoice.paid',
      source,
      round: 0,
      attempt: 1,
      status: 'failed',
      responseStatus: 500,
      durationMs: 12,
      error: 'HTTP 500',
      nextAttemptAt: '2026-03-02T09:00:05.000Z',
      ...data,
    },
    metadata: { now: at },
  };
}

function attempted(command: RecordWebhookAttempt): WebhookDeliveryAttempted {
  return { type: 'WebhookDeliveryAttempted', data: { ...command.data, attemptedAt: command.metadata.now } };
}

const delivered = (data: Partial<RecordWebhookAttempt['data']> = {}) => attempt({ status: 'delivered', responseStatus: 200, error: null, nextAttemptAt: null, ...data });

function abandon(data: Partial<AbandonWebhookDelivery['data']> = {}): AbandonWebhookDelivery {
  return { type: 'AbandonWebhookDelivery', data: { endpointId: 'wh-1', messageId: source.eventId, round: 0, reason: 'endpoint_disabled', ...data }, metadata: { now: '2026-03-02T09:00:05.000Z' } };
}

describe('RecordWebhookAttempt', () => {
  it('records the first attempt of a message, at the command\'s instant', () => {
    spec.given([]).when(attempt()).then([attempted(attempt())]);
  });

  it('records a delivery on the first attempt', () => {
    spec.given([]).when(delivered()).then([attempted(delivered())]);
  });

  it('records retries in order: 500, 500, then 200', () => {
    const first = attempted(attempt());
    const second = attempted(attempt({ attempt: 2, nextAttemptAt: '2026-03-02T09:05:05.000Z' }, '2026-03-02T09:00:05.000Z'));
    spec.given([first]).when(attempt({ attempt: 2, nextAttemptAt: '2026-03-02T09:05:05.000Z' }, '2026-03-02T09:00:05.000Z')).then([second]);
    spec.given([first, second]).when(delivered({ attempt: 3 })).then([attempted(delivered({ attempt: 3 }))]);
    expect(fold(webhookMessageDecider, [first, second, attempted(delivered({ attempt: 3 }))])).toMatchObject({ round: 0, attempts: 3, status: 'delivered', nextAttemptAt: null });
  });

  it('the tenth attempt gives up', () => {
    const history = Array.from({ length: 9 }, (_, index) => attempted(attempt({ attempt: index + 1 })));
    const last = attempt({ attempt: 10, status: 'gave_up', nextAttemptAt: null, error: 'HTTP 500; gave up after 10 attempts' });
    spec.given(history).when(last).then([attempted(last)]);
  });

  it('a 410 gives up at once', () => {
    const gone = attempt({ status: 'gave_up', responseStatus: 410, nextAttemptAt: null, error: 'HTTP 410 Gone: the endpoint was disabled' });
    spec.given([]).when(gone).then([attempted(gone)]);
  });

  it('a replay starts a new round with attempt 1, even after a delivery', () => {
    spec.given([attempted(delivered())]).when(delivered({ round: 1 })).then([attempted(delivered({ round: 1 }))]);
  });

  it.each([
    ['the same attempt again', [attempt()], attempt(), 'ALREADY_EXISTS', /attempt 1 .* is recorded already/],
    ['an earlier attempt', [attempt(), attempt({ attempt: 2 })], attempt(), 'ALREADY_EXISTS', /attempt 1/],
    ['an attempt skipping one', [attempt()], attempt({ attempt: 3 }), 'VALIDATION_FAILED', /attempt 2 of round 0 comes next, not attempt 3/],
    ['a first record that is not attempt 1', [], attempt({ attempt: 2 }), 'VALIDATION_FAILED', /attempt 1 of round 0 comes next/],
    ['an attempt after the delivery', [delivered()], attempt({ attempt: 2 }), 'INVALID_STATE_TRANSITION', /was delivered in round 0/],
    ['an attempt after giving up', [attempt({ status: 'gave_up', responseStatus: 410, nextAttemptAt: null })], attempt({ attempt: 2 }), 'INVALID_STATE_TRANSITION', /was given up in round 0/],
    ['an attempt of a round a replay replaced', [delivered({ round: 1 })], attempt({ round: 0, attempt: 2 }), 'INVALID_STATE_TRANSITION', /round 0 .* is over: the endpoint was replayed \(round 1\)/],
    ['a new round not starting at 1', [delivered()], attempt({ round: 1, attempt: 2 }), 'VALIDATION_FAILED', /attempt 1 of round 1 comes next/],
  ])('refuses %s', (_case, given, command, code, message) => {
    spec.given(given.map(attempted)).when(command).thenThrows(code, message);
  });

  it.each<[string, Partial<RecordWebhookAttempt['data']>, RegExp]>([
    ['a failure without a next attempt', { nextAttemptAt: null }, /names when the next one is due/],
    ['a next attempt not after the attempt', { nextAttemptAt: now }, /must be after the attempt/],
    ['a tenth attempt that plans another', { attempt: 10 }, /attempt 10 is the last one/],
    ['an eleventh attempt', { attempt: 11 }, /attempt must be an integer from 1 to 10/],
    ['a delivery that plans another', { status: 'delivered', responseStatus: 200, nextAttemptAt: '2026-03-02T09:00:05.000Z' }, /plans no other/],
    ['a delivery without a 2xx', { status: 'delivered', responseStatus: 500, nextAttemptAt: null }, /received a 2xx/],
    ['an unknown status', { status: unchecked('lost') }, /status must be one of delivered, failed, gave_up/],
    ['an unknown event type', { eventType: unchecked('invoice.exploded') }, /eventType must be one of/],
    ['a response status outside HTTP', { responseStatus: 99 }, /responseStatus must be an integer from 100 to 599/],
    ['a negative duration', { durationMs: -1 }, /durationMs must be an integer/],
    ['a fractional duration', { durationMs: 1.5 }, /durationMs must be an integer/],
    ['an error longer than 256 characters', { error: 'x'.repeat(257) }, /error must be at most 256 characters/],
    ['a negative round', { round: -1 }, /round must be an integer from 0/],
    ['a bad endpoint id', { endpointId: 'wh 1' }, /endpointId must start with a letter or a digit/],
    ['a source without a position', { source: { ...source, position: 'latest' } }, /source.position must be a log position/],
    ['a source without a revision', { source: { ...source, revision: unchecked(3) } }, /source.revision must be a stream revision/],
  ])('refuses %s with VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(attempt(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('refuses a command without its instant', () => {
    spec.given([]).when({ ...attempt(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it('a command for another message on this stream is a bug, not a refusal', () => {
    expect(() => webhookMessageDecider.decide(attempt({ messageId: 'other', attempt: 2 }), fold(webhookMessageDecider, [attempted(attempt())]))).toThrow(/was decided on the stream of wh-1/);
  });
});

describe('AbandonWebhookDelivery', () => {
  it('gives up a message waiting for a retry, recording the attempts made', () => {
    const history = [attempted(attempt()), attempted(attempt({ attempt: 2 }))];
    spec
      .given(history)
      .when(abandon())
      .then([{ type: 'WebhookDeliveryAbandoned', data: { endpointId: 'wh-1', messageId: source.eventId, eventType: 'invoice.paid', source, round: 0, attempts: 2, reason: 'endpoint_disabled', abandonedAt: '2026-03-02T09:00:05.000Z' } }]);
    expect(fold(webhookMessageDecider, [...history, ...webhookMessageDecider.decide(abandon(), fold(webhookMessageDecider, history))])).toMatchObject({ status: 'gave_up', attempts: 2, nextAttemptAt: null });
  });

  it.each([
    ['a message never sent', [], abandon(), 'NOT_FOUND', /never sent/],
    ['a delivered message', [attempted(delivered())], abandon(), 'INVALID_STATE_TRANSITION', /not waiting for a retry/],
    ['another round', [attempted(attempt())], abandon({ round: 1 }), 'INVALID_STATE_TRANSITION', /not waiting for a retry in round 1/],
    ['an unknown reason', [attempted(attempt())], abandon({ reason: unchecked('bored') }), 'VALIDATION_FAILED', /reason must be one of/],
  ])('refuses %s', (_case, given, command, code, message) => {
    spec.given(given as WebhookMessageEvent[]).when(command).thenThrows(code, message);
  });
});

describe('the record of a delivery (property)', () => {
  /** Any run of outcomes: failures until a delivery or a give-up, possibly replayed in a later round. */
  const outcome = fc.constantFrom('delivered', 'failed', 'gave_up' as const);

  it('attempts are numbered 1, 2, 3... with none repeated or skipped, and nothing follows the end of a round', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 11 }), outcome), { maxLength: 40 }), (commands) => {
        let events: WebhookMessageEvent[] = [];
        for (const [round, number, status] of commands) {
          const state = fold(webhookMessageDecider, events);
          const command = attempt(
            status === 'failed' ? { round, attempt: number } : { round, attempt: number, status, responseStatus: status === 'delivered' ? 200 : 500, nextAttemptAt: null },
          );
          const expectedOk =
            number <= 10 &&
            !(status === 'failed' && number === 10) &&
            (state.round === null || round > state.round ? number === 1 : round === state.round && state.status === 'failed' && number === state.attempts + 1);
          let decided: WebhookMessageEvent[] | undefined;
          try {
            decided = webhookMessageDecider.decide(command, state);
          } catch {
            decided = undefined;
          }
          expect(decided !== undefined).toBe(expectedOk);
          if (decided) {
            expect(isAttemptMade(state, round, number)).toBe(false);
            events = [...events, ...decided];
            expect(isAttemptMade(fold(webhookMessageDecider, events), round, number)).toBe(true);
          }
        }
        for (const event of events) expect(webhookMessageEventSchemas[event.type].data.parse(event.data)).toEqual(event.data);
      }),
    );
  });
});
