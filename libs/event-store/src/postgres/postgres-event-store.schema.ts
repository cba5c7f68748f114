/**
 * The PostgreSQL event store schema. Applied idempotently at start (`create ... if not exists`, `create or replace`).
 *
 * Global order is (transaction_id, global_position): a sequence value is taken at insert time but becomes visible
 * at commit, so readers that only track "the last sequence seen" skip late commits. Readers therefore only see
 * rows whose writing transaction is older than every transaction still running
 * (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`): nothing can later appear before them.
 */
export const EVENT_STORE_SCHEMA_VERSION = 1;

export const eventStoreSchemaSql = `
create schema if not exists event_store;

create table if not exists event_store.streams (
  stream_id   text primary key,
  tenant_id   text,
  revision    bigint not null,
  metadata    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now()
);

create table if not exists event_store.events (
  global_position bigint generated always as identity,
  transaction_id  xid8 not null default pg_current_xact_id(),
  tenant_id       text,
  stream_id       text not null,
  revision        bigint not null,
  event_id        uuid not null,
  type            text not null,
  data            jsonb not null,
  metadata        jsonb not null default '{}'::jsonb,
  recorded_at     timestamptz not null default clock_timestamp(),
  primary key (transaction_id, global_position),
  unique (stream_id, revision),
  unique (stream_id, event_id)
);

create index if not exists events_type_position on event_store.events (type, transaction_id, global_position);

-- The per-stream hash chain (docs/audit.md): each event's hash is SHA-256(previous event's hash || the RFC 8785 text
-- of its type, data, metadata, stream, revision and id); the first event of a stream follows 32 zero bytes. The
-- stream row keeps its last hash, so an append chains onto it under the row lock it takes anyway: no global lock, no
-- extra round trip. Null only for events written before hashing existed, until migrate() backfills them.
alter table event_store.events add column if not exists hash bytea;
alter table event_store.streams add column if not exists head_hash bytea;

-- The client sends each event's canonical text split around the revision (it learns the revision only here).
-- STABLE, not IMMUTABLE: convert_to is stable, and a SQL function is inlined into the calling statement only when its
-- body calls nothing more volatile than it declares; otherwise it runs as a separate function call at every append.
create or replace function event_store.chain_hash(previous bytea, revision bigint, head text, tail text) returns bytea
language sql stable parallel safe as $fn$
  select sha256(coalesce(previous, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
                || convert_to(head || revision::text || tail, 'UTF8'))
$fn$;

-- Appends to one or more streams in one call: compare-and-set each stream's revision and insert the events.
-- Called as a single statement, so the whole append is one round trip and one transaction. The wake-up NOTIFY is
-- sent by the adapter after commit. Raises SQLSTATE LW001 with a JSON detail on a wrong expected version.
create or replace function event_store.append(requests jsonb) returns jsonb
language plpgsql as $fn$
declare
  request        jsonb;
  request_index  bigint;
  stream         text;
  expected       text;
  batch          jsonb;
  batch_size     int;
  current_rev    bigint;
  existing_count int;
  existing_first bigint;
  existing_last  bigint;
  existing_ordered boolean;
  existing_commit xid8;
  existing_prepare bigint;
  last_prepare   bigint;
  result_commit  xid8;
  result_prepare bigint := 0;
  -- Indexed by request index, so results come out in request order without sorting them.
  results        jsonb[] := '{}';
  me             xid8 := pg_current_xact_id();
  fast           boolean;
  acked_stream   text;
  acked_expected text;
  acked_rev      bigint;
  written_count  int := 0;
  -- The stream's last hash before this append, and the new events' hashes in revision order.
  prev_hash      bytea;
  hashes         bytea[];
begin
  -- Lock streams in one global order (by name) so that two multi-stream appends naming the same streams in a
  -- different order cannot deadlock. Results are returned in request order (see request_index).
  for request, request_index in
    select value, ordinality from jsonb_array_elements(requests) with ordinality order by value->>'stream' loop
    stream := request->>'stream';
    expected := request->>'expected';
    batch := request->'events';
    batch_size := jsonb_array_length(batch);

    -- Fast path, the common case of a command handler: one conditional write of the stream row both checks the
    -- expected revision and takes the row lock. Whatever does not match (a conflict, an idempotent retry, 'any',
    -- 'stream_exists') takes the full path below, which finds out exactly what happened.
    fast := false;
    if expected not in ('any', 'no_stream', 'stream_exists') then
      -- head_hash is not set here, so RETURNING gives the value before this append.
      update event_store.streams set revision = revision + batch_size
       where stream_id = stream and revision = expected::bigint
      returning head_hash into prev_hash;
      if found then
        current_rev := expected::bigint;
        fast := true;
      end if;
    elsif expected = 'no_stream' then
      insert into event_store.streams (stream_id, tenant_id, revision)
        values (stream, nullif(split_part(stream, ':', 1), stream), batch_size - 1)
        on conflict (stream_id) do nothing;
      if found then
        current_rev := -1;
        prev_hash := null;
        fast := true;
      end if;
    end if;

    if not fast then
    -- Creating the row first (or finding it) lets FOR UPDATE serialise every writer of this stream, including
    -- two racing to create it.
    insert into event_store.streams (stream_id, tenant_id, revision)
      values (stream, nullif(split_part(stream, ':', 1), stream), -1)
      on conflict (stream_id) do nothing;
    select s.revision, s.head_hash into current_rev, prev_hash from event_store.streams s where s.stream_id = stream for update;

    -- Idempotency (KurrentDB's rule): the same event ids already written right after the expected revision are
    -- acknowledged without writing; a partial overlap is a conflict.
    -- In order and consecutive exactly when revision - ordinality is the same for every id.
    select count(*), min(e.revision), max(e.revision), count(distinct e.revision - ids.ordinality) = 1
      into existing_count, existing_first, existing_last, existing_ordered
      from jsonb_array_elements(batch) with ordinality as ids(value, ordinality)
      join event_store.events e on e.stream_id = stream and e.event_id = (ids.value->>'eventId')::uuid;

    if existing_count > 0 then
      if existing_count = batch_size and existing_ordered and existing_last - existing_first + 1 = batch_size and (
           expected = 'any'
           or (expected = 'no_stream' and existing_first = 0)
           or (expected = 'stream_exists' and existing_first > 0)
           or (expected not in ('any', 'no_stream', 'stream_exists') and existing_first = expected::bigint + 1)
         ) then
        select e.transaction_id, e.global_position into existing_commit, existing_prepare
          from event_store.events e where e.stream_id = stream and e.revision = existing_last;
        results[request_index] := jsonb_build_object('nextExpectedRevision', existing_last::text,
                                                     'commit', existing_commit::text, 'prepare', existing_prepare::text);
        if result_commit is null or (existing_commit, existing_prepare) > (result_commit, result_prepare) then
          result_commit := existing_commit;
          result_prepare := existing_prepare;
        end if;
        if acked_stream is null then
          acked_stream := stream;
          acked_expected := expected;
          acked_rev := current_rev;
        end if;
        continue;
      end if;
      raise exception using errcode = 'LW001', message = 'wrong expected version',
        detail = jsonb_build_object('stream', stream, 'expected', expected, 'actual', current_rev::text,
                                    'reason', 'some of these event ids were already appended elsewhere in the stream')::text;
    end if;

    if not (expected = 'any'
            or (expected = 'no_stream' and current_rev = -1)
            or (expected = 'stream_exists' and current_rev >= 0)
            or (expected not in ('any', 'no_stream', 'stream_exists') and current_rev = expected::bigint)) then
      raise exception using errcode = 'LW001', message = 'wrong expected version',
        detail = jsonb_build_object('stream', stream, 'expected', expected, 'actual', current_rev::text)::text;
    end if;

    update event_store.streams set revision = current_rev + batch_size where stream_id = stream;
    end if;

    if batch_size = 0 then
      results[request_index] := jsonb_build_object('nextExpectedRevision', current_rev::text, 'commit', null, 'prepare', null);
      continue;
    end if;

    -- One event (the usual batch) is a plain single-row INSERT: cheaper to run than unnesting the batch.
    if batch_size = 1 then
      prev_hash := event_store.chain_hash(prev_hash, current_rev + 1, batch->0->>'head', batch->0->>'tail');
      insert into event_store.events (transaction_id, tenant_id, stream_id, revision, event_id, type, data, metadata, hash)
      values (me, nullif(split_part(stream, ':', 1), stream), stream, current_rev + 1, (batch->0->>'eventId')::uuid,
              batch->0->>'type', batch->0->'data', coalesce(batch->0->'metadata', '{}'::jsonb), prev_hash)
      returning global_position into last_prepare;
    else
      hashes := '{}';
      for i in 0 .. batch_size - 1 loop
        prev_hash := event_store.chain_hash(prev_hash, current_rev + 1 + i, batch->i->>'head', batch->i->>'tail');
        hashes := hashes || prev_hash;
      end loop;
      with inserted as (
        insert into event_store.events (transaction_id, tenant_id, stream_id, revision, event_id, type, data, metadata, hash)
        select me, nullif(split_part(stream, ':', 1), stream), stream, current_rev + x.ordinality,
               (x.value->>'eventId')::uuid, x.value->>'type', x.value->'data', coalesce(x.value->'metadata', '{}'::jsonb),
               hashes[x.ordinality]
          from jsonb_array_elements(batch) with ordinality as x(value, ordinality)
         order by x.ordinality
        returning global_position
      )
      select max(global_position) into last_prepare from inserted;
    end if;
    update event_store.streams set head_hash = prev_hash where stream_id = stream;
    written_count := written_count + 1;

    results[request_index] := jsonb_build_object('nextExpectedRevision', (current_rev + batch_size)::text,
                                                 'commit', me::text, 'prepare', last_prepare::text);
    if result_commit is null or (me, last_prepare) > (result_commit, result_prepare) then
      result_commit := me;
      result_prepare := last_prepare;
    end if;
  end loop;

  -- A multi-stream append is a retry only as a whole. When some of its streams already hold exactly these events
  -- but others do not, it is not the same append again: two deciders derived the same event ids from one fact (a
  -- process manager and an inline call, say) and decided differently. Acknowledging part and writing the rest would
  -- apply half of a second decision, so it is a conflict (rolling back what this call wrote): the caller re-reads.
  if acked_stream is not null and written_count > 0 then
    raise exception using errcode = 'LW001', message = 'wrong expected version',
      detail = jsonb_build_object('stream', acked_stream, 'expected', acked_expected, 'actual', acked_rev::text,
                                  'reason', 'this stream already holds these event ids, but other streams of the same append do not: not a retry of the same append')::text;
  end if;

  -- No NOTIFY here: a transaction that notifies takes a cluster-wide lock at commit and holds it through the WAL
  -- flush, which serialises every append's commit. The adapter sends the wake-up after commit, out of band.
  return jsonb_build_object('results', to_jsonb(results),
                            'commit', coalesce(result_commit::text, '0'), 'prepare', result_prepare::text);
end
$fn$;
`;
