import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { runAsSystem, runForTenant, secureTenantTables } from '../../libs/database/src/index.js';
import { comparePositions, decodePosition, encodePosition } from '../../libs/event-store/src/index.js';
import { projectionStateHash, rebuildProjection, type Projection } from '../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../projections/index.js';
import { firstErrorCode, requireData, type GraphQLHttpResponse } from '../support/graphql-http.client.js';
import { draftInput, startTestLedger, TestClock, waitForEarlierTransactions, type TestLedger } from '../support/ledger-test-app.js';

/**
 * GraphQL projectionState (docs/rebuild.md): a read model's checkpoint and lag (the projection's) and the state hash
 * of the caller's tenant's rows, equal to the hash of a rebuild stopped at that checkpoint, hashed for that tenant;
 * NOT_FOUND with the known names; auditors and admins only.
 */
interface ProjectionState {
  name: string;
  version: number;
  position: string | null;
  lag: number;
  lagEstimated: boolean;
  stateHash: string | null;
}

const FIELDS = 'name version position lag lagEstimated stateHash';
const PROJECTION_STATE = `query ($name: String!) { projectionState(name: $name) { ${FIELDS} } }`;
const PROJECTION_STATES = `query { projectionStates { ${FIELDS} } }`;
const invoices = allProjections.find((projection) => projection.name === 'invoices') as Projection;

let ledger: TestLedger;
let auditorKey: string;
let financeKey: string;
let serviceKey: string;
let globexAdminKey: string;
let head: string;

function projectionState(name: string, key: string): Promise<GraphQLHttpResponse<{ projectionState: ProjectionState }>> {
  return ledger.graphql<{ projectionState: ProjectionState }>(PROJECTION_STATE, { name }, key);
}

/** The invoices read model at the head of the log, as an auditor of the dev tenant sees it. */
async function caughtUp(key: string): Promise<ProjectionState> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = requireData(await projectionState('invoices', key), 'projectionState').projectionState;
    if (state.position !== null && comparePositions(decodePosition(state.position), decodePosition(head)) >= 0 && state.lag === 0) return state;
    if (Date.now() > deadline) throw new Error(`invoices did not reach ${head}: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  ledger = await startTestLedger({ clock: new TestClock('2026-03-02T09:00:00.000Z') });
  auditorKey = await ledger.createKey('dev', 'auditor');
  financeKey = await ledger.createKey('dev', 'finance');
  serviceKey = await ledger.createKey('dev', 'service');
  globexAdminKey = await ledger.createKey('globex', 'admin');
  for (const customerId of ['state-a', 'state-b']) {
    const draft = await ledger.mutateOk('createInvoice', draftInput({ customerId }), financeKey);
    await ledger.mutateOk('issueInvoice', { invoiceId: draft.invoice.id }, financeKey);
  }
  await ledger.mutateOk('createInvoice', draftInput({ customerId: 'globex-a' }), globexAdminKey);
  await waitForEarlierTransactions(ledger.services.db);
  head = encodePosition(await ledger.services.store.headPosition());
}, 120_000);

afterAll(async () => {
  await ledger?.stop();
});

describe('projectionState', () => {
  it("gives the checkpoint, no lag at the head, and the tenant's state hash: that of the live rows and of a rebuild stopped there", async () => {
    const state = await caughtUp(auditorKey);
    expect(state).toMatchObject({ name: 'invoices', version: invoices.version, lag: 0, lagEstimated: false });
    expect(state.stateHash).toMatch(/^[0-9a-f]{64}$/);
    const live = await runForTenant({ tenantId: 'dev' }, () => projectionStateHash(ledger.services.db, 'read_models', invoices));
    expect(state.stateHash).toBe(live);
    // A rebuild stopped at the checkpoint, hashed for the tenant (what `ledger replay --projection --tenant` prints).
    const db = ledger.services.db;
    const rebuilt = await runAsSystem('projection-state-spec', async () => {
      const result = await rebuildProjection(ledger.services.store, db, invoices, { buildSchema: 'state_rebuild', toPosition: decodePosition(state.position as string) });
      await secureTenantTables(db, invoices.tables.map((table) => `state_rebuild.${table}`));
      return result;
    });
    expect(rebuilt.events).toBeGreaterThan(0);
    const stopped = await runForTenant({ tenantId: 'dev' }, () => projectionStateHash(db, 'state_rebuild', invoices));
    expect(stopped).toBe(state.stateHash);
    await runAsSystem('projection-state-spec', () => sql`drop schema state_rebuild cascade`.execute(db));
  }, 60_000);

  it("gives another tenant the same position and its own hash, and an admin the auditor's", async () => {
    const dev = await caughtUp(auditorKey);
    const admin = await caughtUp(ledger.adminKey);
    const globex = await caughtUp(globexAdminKey);
    expect(admin).toEqual(dev);
    expect(globex.position).toBe(dev.position);
    expect(globex.stateHash).not.toBe(dev.stateHash);
    expect(globex.stateHash).toBe(await runForTenant({ tenantId: 'globex' }, () => projectionStateHash(ledger.services.db, 'read_models', invoices)));
  }, 60_000);

  it('projectionStates lists every projection, invoices as projectionState answers it', async () => {
    const dev = await caughtUp(auditorKey);
    const states = requireData(await ledger.graphql<{ projectionStates: ProjectionState[] }>(PROJECTION_STATES, {}, auditorKey), 'projectionStates').projectionStates;
    expect(states.map((state) => state.name)).toEqual(allProjections.map((projection) => projection.name));
    expect(states.find((state) => state.name === 'invoices')).toEqual(dev);
    expect(states.every((state) => state.stateHash === null || /^[0-9a-f]{64}$/.test(state.stateHash))).toBe(true);
  }, 60_000);

  it('answers NOT_FOUND with the known names for an unknown projection', async () => {
    const response = await projectionState('nonsense', auditorKey);
    expect(firstErrorCode(response)).toBe('NOT_FOUND');
    expect(response.errors?.[0]?.message).toMatch(/^no projection named "nonsense"; the projections are invoices, customer_balances, /);
    expect(response.errors?.[0]?.extensions?.projections).toBe(allProjections.map((projection) => projection.name).join(', '));
    expect(response.data ?? null).toBeNull();
  });

  it('refuses the finance and service roles (FORBIDDEN) and a request without a key', async () => {
    for (const key of [financeKey, serviceKey]) {
      for (const query of [PROJECTION_STATE, PROJECTION_STATES]) {
        const response = await ledger.graphql<unknown>(query, { name: 'invoices' }, key);
        expect(firstErrorCode(response)).toBe('FORBIDDEN');
        expect(response.data ?? null).toBeNull();
      }
    }
    const anonymous = await ledger.graphql<unknown>(PROJECTION_STATE, { name: 'invoices' }, '');
    expect(firstErrorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});
