import { sql, type Kysely } from 'kysely';
import { SYSTEM_ROLE, TENANT_ROLE, TENANT_SETTING } from './scoped-pool.js';

/**
 * Row-level security for every table that holds tenant data.
 *
 * Two roles, created once per PostgreSQL server (roles are server-wide) and granted to the connecting role:
 * - `ledger_tenant` (NOLOGIN): what a request's database work runs as (`SET ROLE`, see scoped-pool.ts). Its policy on
 *   each tenant table is `tenant_id = current_setting('ledger.tenant_id')`, for reading and for writing, so a query
 *   that forgot its tenant filter still sees only its own tenant, and with no tenant set sees nothing.
 * - `ledger_system` (NOLOGIN): its members (the connecting role) see every row. It is the documented role of the
 *   processes that work across tenants: projections, process managers, authentication, migrations, the CLI.
 *
 * Every table with a `tenant_id` column gets row-level security ENABLED and FORCED (so the tables' owner is held to
 * the policies too, and only the system policy lets it through), the two policies, and read/write grants for the
 * tenant role. Other tables in the same schemas (checkpoints, migrations) are readable, not writable, by it.
 * A superuser bypasses row-level security whatever the policies say; that is why requests never run as one.
 */
export const ROW_LEVEL_SECURITY_SQL = `
do $roles$
begin
  begin
    create role ${TENANT_ROLE} nologin noinherit;
  exception when duplicate_object or unique_violation then null;
  end;
  begin
    create role ${SYSTEM_ROLE} nologin;
  exception when duplicate_object or unique_violation then null;
  end;
  if not pg_has_role(current_user, '${TENANT_ROLE}', 'member') then
    begin
      execute format('grant ${TENANT_ROLE} to %I', current_user);
    exception when unique_violation then null;
    end;
  end if;
  if not pg_has_role(current_user, '${SYSTEM_ROLE}', 'member') then
    begin
      execute format('grant ${SYSTEM_ROLE} to %I', current_user);
    exception when unique_violation then null;
    end;
  end if;
end
$roles$;

create schema if not exists ledger_security;

drop function if exists ledger_security.secure_tenant_tables();
create or replace function ledger_security.secure_tenant_tables(only_tables text[] default null) returns integer
language plpgsql as $fn$
declare
  target  record;
  secured integer := 0;
begin
  -- One caller at a time in this database: the API and the projector may start together.
  perform pg_advisory_xact_lock(hashtext('ledger_security.secure_tenant_tables'));
  for target in
    select c.oid, format('%I.%I', n.nspname, c.relname) as name, n.nspname as schema_name, c.relrowsecurity, c.relforcerowsecurity,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant_table
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p')
       and (only_tables is null or format('%I.%I', n.nspname, c.relname) = any (only_tables))
       and n.nspname not in ('pg_catalog', 'information_schema', 'ledger_security')
       and n.nspname not like 'pg\\_%'
  loop
    if not has_schema_privilege('${TENANT_ROLE}', target.schema_name, 'usage') then
      execute format('grant usage on schema %I to ${TENANT_ROLE}', target.schema_name);
      execute format('grant usage on all sequences in schema %I to ${TENANT_ROLE}', target.schema_name);
    end if;
    if not target.tenant_table then
      if not has_table_privilege('${TENANT_ROLE}', target.oid, 'select') then
        execute format('grant select on %s to ${TENANT_ROLE}', target.name);
      end if;
      continue;
    end if;
    if not target.relrowsecurity then
      execute format('alter table %s enable row level security', target.name);
    end if;
    if not target.relforcerowsecurity then
      execute format('alter table %s force row level security', target.name);
    end if;
    if not exists (select 1 from pg_policy where polrelid = target.oid and polname = 'tenant_isolation') then
      execute format($policy$create policy tenant_isolation on %s to ${TENANT_ROLE}
                       using (tenant_id = current_setting('${TENANT_SETTING}', true))
                       with check (tenant_id = current_setting('${TENANT_SETTING}', true))$policy$, target.name);
    end if;
    if not exists (select 1 from pg_policy where polrelid = target.oid and polname = 'system_access') then
      execute format('create policy system_access on %s to ${SYSTEM_ROLE} using (true) with check (true)', target.name);
    end if;
    if not has_table_privilege('${TENANT_ROLE}', target.oid, 'select, insert, update, delete') then
      execute format('grant select, insert, update, delete on %s to ${TENANT_ROLE}', target.name);
    end if;
    secured := secured + 1;
  end loop;
  return secured;
end
$fn$;
`;

/** Creates the roles and the securing function (idempotent; safe from several processes at once). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function installRowLevelSecurity(db: Kysely<any>): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('ledger_security.install'))`.execute(trx);
      await sql.raw(ROW_LEVEL_SECURITY_SQL).execute(trx);
    });
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(
      `row-level security could not be set up (${message}). The database role in DATABASE_URL must be able to create the roles ` +
        `${TENANT_ROLE} and ${SYSTEM_ROLE} (CREATEROLE), or an administrator creates them once: ` +
        `CREATE ROLE ${TENANT_ROLE} NOLOGIN NOINHERIT; CREATE ROLE ${SYSTEM_ROLE} NOLOGIN; GRANT ${TENANT_ROLE}, ${SYSTEM_ROLE} TO <that role>;`,
      { cause: error },
    );
  }
}

/**
 * Enables and forces row-level security, with its policies and grants, on every table that has a tenant_id and
 * lacks them: all tables of the database, or only `tables` (`schema.table`), as a projection does for its own right
 * after creating them (touching only its own tables, it takes no lock another projection's writes are holding).
 * Called after migrations and whenever a projection creates or swaps in tables. Returns how many tenant tables it saw.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function secureTenantTables(db: Kysely<any>, tables?: readonly string[]): Promise<number> {
  const only = tables === undefined ? null : [...tables];
  const { rows } = await sql<{ secured: number }>`select ledger_security.secure_tenant_tables(${only}::text[]) as secured`.execute(db);
  return Number(rows[0]?.secured ?? 0);
}
