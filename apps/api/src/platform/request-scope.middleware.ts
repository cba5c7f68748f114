import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { bearerToken } from '../../../../libs/access/src/api-keys.service.js';
import type { Principal } from '../../../../libs/access/src/principal.js';
import { runAnonymous, runAsSystem, runForTenant } from '../../../../libs/database/src/index.js';
import type { LedgerServices } from '../ledger-services.js';

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** What the middleware learnt about a request: GraphQL's context and the PDF routes read it from here. */
export interface RequestIdentity {
  readonly principal: Principal | undefined;
  readonly correlationId: string;
}

const identities = new WeakMap<Request, RequestIdentity>();

export function requestIdentity(request: Request): RequestIdentity {
  return identities.get(request) ?? { principal: undefined, correlationId: randomUUID() };
}

/**
 * The principal of an `Authorization: Bearer <key>` value (an HTTP header or a graphql-ws connection_init field), or
 * undefined. The key lookup is system work: the key is what tells which tenant the caller belongs to.
 *
 * A key this process has seen before is looked up in its tenant's scope instead, the scope the request then runs in:
 * the same query on a connection already set for that tenant, where the system lookup would switch a connection to
 * the system role and the request's first query would switch it back (two more round trips on every request).
 * Row-level security shows that lookup only the tenant's own keys, so it can only confirm the key the hint names;
 * anything else (a revoked or expired key, a wrong hint) is looked up again as the system role, as before.
 */
export async function authenticateBearer(services: LedgerServices, authorization: unknown): Promise<Principal | undefined> {
  const key = bearerToken(authorization);
  if (!key) return undefined;
  const tenantId = services.apiKeys.tenantHintOf(key);
  if (tenantId !== undefined) {
    const principal = await runForTenant({ tenantId }, () => services.apiKeys.authenticate(key));
    if (principal?.tenantId === tenantId) return principal;
  }
  return runAsSystem('authentication', () => services.apiKeys.authenticate(key));
}

/**
 * Authenticates every request to the tenant-facing routes once, then runs the rest of the request inside its
 * scope: the key's tenant (database work under row-level security as that tenant, logs tagged with tenant, key and
 * correlation id), or an anonymous scope that sees no tenant's rows. The key lookup itself is system work: the key
 * is what says which tenant the request belongs to.
 */
export function requestScopeMiddleware(services: LedgerServices) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const supplied = request.headers['x-correlation-id'];
    const correlationId = typeof supplied === 'string' && CORRELATION_ID_PATTERN.test(supplied) ? supplied : randomUUID();
    authenticateBearer(services, request.headers.authorization).then(
      (principal) => {
        identities.set(request, { principal, correlationId });
        if (!principal) return runAnonymous(correlationId, () => next());
        return runForTenant({ tenantId: principal.tenantId, keyId: principal.keyId, keyName: principal.keyName, correlationId }, () => next());
      },
      (error: unknown) => next(error),
    );
  };
}
