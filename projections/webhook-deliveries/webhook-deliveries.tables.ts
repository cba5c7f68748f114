import { sql, type Kysely } from 'kysely';
import type { ReadModelDatabase } from '../../libs/projection-runtime/src/index.js';

/**
 * The webhook delivery read model (docs/webhooks.md, "Records"). Every key starts with the tenant.
 *
 * - `webhook_deliveries`: one row per delivery, a message (public event) to one endpoint in one round (0 live, one
 *   more per replay), keyed `<endpointId>:<messageId>:<round>`: its latest status, attempt count, the latest response status, duration and error, when the next
 *   attempt is due, and every attempt of the round (`attempt_log`, at most ten). Listed newest first by the position
 *   of the delivery's first record (`created_commit`, `created_prepare`), through an index in that order for each
 *   filter the API offers (endpoint, status, event type, message id).
 * - `webhook_endpoint_cursors`: one row per endpoint feed: its round, where it started (`started_from`) and the cursor
 *   (`position`): the source events through which the round's first attempts are made. A restarted dispatcher resumes
 *   each endpoint there (a row behind the truth costs a re-read, never a second delivery: each attempt reads its
 *   message's stream first).
 */
export async function createWebhookDeliveryTables(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create table if not exists ${schema}.webhook_deliveries (
  tenant_id          text not null,
  delivery_id        text not null,
  endpoint_id        text not null,
  message_id         text not null,
  round              integer not null,
  event_type         text not null,
  source_event_id    text not null,
  source_position    text not null,
  status             text not null,
  attempts           integer not null,
  response_status    integer,
  duration_ms        integer,
  error              text,
  next_attempt_at    timestamptz,
  abandon_reason     text,
  first_attempted_at timestamptz not null,
  last_attempted_at  timestamptz not null,
  delivered_at       timestamptz,
  attempt_log        jsonb not null,
  created_commit     numeric(20, 0) not null,
  created_prepare    numeric(20, 0) not null,
  primary key (tenant_id, delivery_id)
);
create table if not exists ${schema}.webhook_endpoint_cursors (
  tenant_id           text not null,
  endpoint_id         text not null,
  round               integer not null,
  started_from        text not null,
  position            text not null,
  start_reason        text not null,
  started_at          timestamptz not null,
  replay_requested_at timestamptz,
  updated_at          timestamptz not null,
  primary key (tenant_id, endpoint_id)
);
`,
    )
    .execute(db);
}

/** The list's indexes, newest first, one per filter; built after a rebuild's rows are loaded (and with live tables). */
export async function createWebhookDeliveryIndexes(db: Kysely<ReadModelDatabase>, schema: string): Promise<void> {
  await sql
    .raw(
      `
create unique index if not exists webhook_deliveries_newest on ${schema}.webhook_deliveries (tenant_id, created_commit desc, created_prepare desc);
create index if not exists webhook_deliveries_by_endpoint on ${schema}.webhook_deliveries (tenant_id, endpoint_id, created_commit desc, created_prepare desc);
create index if not exists webhook_deliveries_by_status on ${schema}.webhook_deliveries (tenant_id, status, created_commit desc, created_prepare desc);
create index if not exists webhook_deliveries_by_event_type on ${schema}.webhook_deliveries (tenant_id, event_type, created_commit desc, created_prepare desc);
create index if not exists webhook_deliveries_by_message on ${schema}.webhook_deliveries (tenant_id, message_id, created_commit desc, created_prepare desc);
`,
    )
    .execute(db);
}
