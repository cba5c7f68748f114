import { describe, expect, it } from '@jest/globals';
import { uuidV5 } from '../../application/src/index.js';
import { DomainError } from '../../billing/src/common/domain-error.js';
import { describeError, dispatch, dueWorkCommandId, dueWorkContext, retryBackoffMs } from './dispatch.js';
import type { DueWork, DueWorkHandlers, DueWorkOutcome } from './due-work.types.js';

const item: DueWork = {
  source: 'toy_due_work',
  tenantId: 'acme',
  workKey: 'subscription:sub-1:bill_period:2025-03-01',
  kind: 'subscription.bill_period',
  dueAt: '2025-03-01T00:00:00.000Z',
  payload: { subscriptionId: 'sub-1' },
  attempts: 0,
  updatedPosition: '7.7',
};

describe('the command id of a piece of work', () => {
  it('derives from the tenant and the work key only: every dispatch of the work sends the same command', () => {
    expect(dueWorkCommandId('acme', item.workKey)).toBe(uuidV5(`acme:due-work:${item.workKey}`));
    expect(dueWorkCommandId('acme', item.workKey)).toBe(dueWorkCommandId('acme', item.workKey));
    expect(dueWorkCommandId('globex', item.workKey)).not.toBe(dueWorkCommandId('acme', item.workKey));
    expect(dueWorkCommandId('acme', 'subscription:sub-1:bill_period:2025-04-01')).not.toBe(dueWorkCommandId('acme', item.workKey));
  });

  it('a handler gets the due instant as now, the tenant\'s clock beside it, and a CommandContext built on both', () => {
    const commandId = dueWorkCommandId('acme', item.workKey);
    expect(dueWorkContext({ ...item, attempts: 3 }, '2025-06-01T00:00:00.000Z')).toEqual({
      tenantId: 'acme',
      now: '2025-03-01T00:00:00.000Z',
      tenantNow: '2025-06-01T00:00:00.000Z',
      commandId,
      command: { tenantId: 'acme', actor: 'scheduler', actorName: 'scheduler: subscription.bill_period', commandId, correlationId: commandId, causationId: commandId, now: '2025-03-01T00:00:00.000Z' },
    });
  });
});

describe('retry backoff', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [10, 512_000],
    [12, 2_048_000],
    [13, 3_600_000],
    [1_000, 3_600_000],
  ])('after %i failed attempts: %i ms', (attempts, ms) => {
    expect(retryBackoffMs(attempts)).toBe(ms);
  });
});

describe('dispatch', () => {
  const answering = (outcome: DueWorkOutcome): DueWorkHandlers => ({ [item.kind]: () => Promise.resolve(outcome) });
  const position = { commit: 12n, prepare: 12n };

  it.each([
    ['done', 'done' as const, { kind: 'done', position: undefined }],
    ['done with a position', { status: 'done' as const, position }, { kind: 'done', position }],
    ['retry_later', 'retry_later' as const, { kind: 'retry_later', reason: 'the handler asked to retry later', notBefore: undefined }],
    [
      'retry_later with a reason and an instant',
      { status: 'retry_later' as const, reason: 'gateway busy', notBefore: '2025-03-01T01:00:00.000Z' },
      { kind: 'retry_later', reason: 'gateway busy', notBefore: '2025-03-01T01:00:00.000Z' },
    ],
  ])('a handler answering %s', async (_case, outcome, expected) => {
    expect(await dispatch(answering(outcome), item, item.dueAt)).toEqual(expected);
  });

  it('a domain refusal follows the handler\'s policy, park unless it says otherwise', async () => {
    const refusal = new DomainError('SUBSCRIPTION_TERMINATED', 'subscription sub-1 is terminated');
    const handle = () => Promise.reject(refusal);
    expect(await dispatch({ [item.kind]: handle }, item, item.dueAt)).toEqual({ kind: 'refused', error: refusal, policy: 'park' });
    expect(await dispatch({ [item.kind]: { handle, onRefusal: 'done' } }, item, item.dueAt)).toEqual({ kind: 'refused', error: refusal, policy: 'done' });
    expect(describeError(refusal)).toBe('SUBSCRIPTION_TERMINATED: subscription sub-1 is terminated');
  });

  it('any other error is a failure, to be retried', async () => {
    const error = new Error('connection reset');
    expect(await dispatch({ [item.kind]: () => Promise.reject(error) }, item, item.dueAt)).toEqual({ kind: 'failed', error });
    expect(describeError(error)).toBe('Error: connection reset');
  });

  it('an answer that is neither done nor retry_later is a failure that says what came back', async () => {
    const result = await dispatch(answering('finished' as unknown as DueWorkOutcome), item, item.dueAt);
    expect(result.kind).toBe('failed');
    expect(describeError((result as { error: unknown }).error)).toMatch(/answered "finished", not done or retry_later/);
  });

  it('a kind without a handler is reported, not run', async () => {
    expect(await dispatch({ other: () => Promise.resolve('done') }, item, item.dueAt)).toEqual({ kind: 'no_handler' });
    // An inherited property is no handler either.
    expect(await dispatch({}, { ...item, kind: 'toString' }, item.dueAt)).toEqual({ kind: 'no_handler' });
  });
});
