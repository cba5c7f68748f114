import { randomBytes } from 'node:crypto';
import type { CommandContext } from '../../libs/application/src/index.js';
import { HandlerSpecification, type HandlerGiven } from '../../libs/testing/src/handler-spec.js';
import { startTestLedger, TestClock, waitForEarlierTransactions, type TestLedger } from '../support/ledger-test-app.js';

/**
 * What a handler spec file needs: the real ledger (its own fresh database, the real services the resolvers use) with
 * its projections and process managers OFF, so that nothing but the command under test appends; a clock that stays
 * where it is put; and a HandlerSpecification on the ledger's own event store.
 */
export interface HandlerSpecLedger {
  readonly ledger: TestLedger;
  readonly spec: HandlerGiven;
  /** A tenant nobody has used: every case gets its own, so its streams are new. */
  newTenant(): string;
  /**
   * The context a resolver would build, with a command id of the case's choosing (ids the handler derives from it
   * are then known to the spec) and `now` as the instant; the services' clock is put at `now` too.
   */
  context(tenantId: string, commandId: string, now: string): CommandContext;
  stop(): Promise<void>;
}

/** The actor of every spec command. */
export const SPEC_ACTOR = 'spec:finance-user';

/** A TestClock that does not move by itself: every reading is the instant last set. */
class StoppedClock extends TestClock {
  private instant = Date.parse('2026-03-02T09:00:00.000Z');

  override readonly now = (): Date => new Date(this.instant);

  override setInstant(instant: string): void {
    super.setInstant(instant);
    this.instant = Date.parse(instant);
  }
}

export async function startHandlerSpecLedger(): Promise<HandlerSpecLedger> {
  const clock = new StoppedClock();
  const ledger = await startTestLedger({ clock, environment: { PROJECTIONS: 'off' } });
  const spec = HandlerSpecification.for({ store: ledger.services.store, settle: () => waitForEarlierTransactions(ledger.services.db) });
  return {
    ledger,
    spec,
    newTenant: () => `spec-${randomBytes(5).toString('hex')}`,
    context(tenantId, commandId, now) {
      clock.setInstant(now);
      return { tenantId, actor: SPEC_ACTOR, commandId, correlationId: commandId, causationId: commandId, now };
    },
    stop: () => ledger.stop(),
  };
}
