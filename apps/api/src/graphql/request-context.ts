import { randomUUID } from 'node:crypto';
import { uuidV5, type CommandContext } from '../../../../libs/application/src/index.js';
import type { LedgerServices } from '../ledger-services.js';
import { ApplicationError } from './application-error.js';
import { requireInputIdentifiers } from './input-identifiers.js';
import { authorizeOperation } from '../../../../libs/access/src/operation-roles.js';
import type { Principal } from '../../../../libs/access/src/principal.js';

/** What every resolver receives in its GraphQL context. */
export interface GraphQLRequestContext {
  readonly principal: Principal | undefined;
  readonly correlationId: string;
}

export function requirePrincipal(context: GraphQLRequestContext): Principal {
  if (!context.principal) {
    throw new ApplicationError('UNAUTHENTICATED', 'a valid API key is required: send "Authorization: Bearer <key>" (HTTP) or { authorization: "Bearer <key>" } in connection_init (WebSocket)');
  }
  return context.principal;
}

export function requireReader(context: GraphQLRequestContext): Principal {
  return requirePrincipal(context);
}

/**
 * Mutations, by the roles table (libs/access/src/operation-roles.ts). The API applies the table before any resolver
 * runs; this is the same decision again where the command is built, so a resolver reached some other way is held to it.
 */
export function requireWriter(context: GraphQLRequestContext, operation: string): Principal {
  const decision = authorizeOperation(context.principal, 'mutation', [operation]);
  if (!decision.allowed) throw new ApplicationError(decision.code, decision.message);
  return requirePrincipal(context);
}

/**
 * Runs a mutation: checks the role, derives the command context, and applies the idempotency key if one is given.
 * With a key, the command id (and so every id and event id derived from it) is the same on every retry. The
 * command's `now` is the tenant's time (`services.tenantClock`: real time, or the tenant's test clock), so every date
 * a command decides (issue and due dates, numbering periods, overdue) follows the tenant's clock.
 */
export async function runMutation<Result>(
  services: LedgerServices,
  request: GraphQLRequestContext,
  operation: string,
  input: { idempotencyKey?: string | null },
  handler: (context: CommandContext) => Promise<Result>,
): Promise<Result> {
  return runCommand(services, requireWriter(request, operation), request, operation, input, handler);
}

/**
 * runMutation after the role check, for a route that decides the role itself by its own entry in the roles table (the
 * statement upload, banking/statement-upload.controller.ts): the same command id, idempotency, tenant clock, actor
 * and metrics as a mutation. `operation` names the idempotency scope, so a key used on one route is not replayed on another.
 */
export async function runCommand<Result>(
  services: LedgerServices,
  principal: Principal,
  request: GraphQLRequestContext,
  operation: string,
  input: { idempotencyKey?: string | null },
  handler: (context: CommandContext) => Promise<Result>,
): Promise<Result> {
  requireInputIdentifiers(input);
  const key = input.idempotencyKey ?? undefined;
  const commandId = key === undefined ? randomUUID() : uuidV5(`${principal.tenantId}:idempotency:${key}`);
  const { idempotencyKey: _ignored, ...rest } = input;
  // The tenant's now is read while the idempotency key is claimed (one round trip each, side by side); a request
  // answered from a stored response never awaits it, hence the catch that keeps its failure from going unhandled.
  const now = services.tenantClock.now(principal.tenantId);
  now.catch(() => undefined);
  const run = async () =>
    handler({
      tenantId: principal.tenantId,
      actor: `api-key:${principal.keyId}`,
      actorName: principal.keyName,
      actorRole: principal.role,
      commandId,
      correlationId: request.correlationId,
      causationId: commandId,
      now: await now,
    });
  try {
    const result = key === undefined ? await run() : await services.idempotency.execute(principal.tenantId, key, operation, rest, run);
    services.metrics.commands.inc({ operation, outcome: 'ok' });
    return result;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    services.metrics.commands.inc({ operation, outcome: typeof code === 'string' ? code : 'INTERNAL_ERROR' });
    throw error;
  }
}
