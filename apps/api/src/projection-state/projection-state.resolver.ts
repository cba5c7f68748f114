import { Inject } from '@nestjs/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { authorizeOperation } from '../../../../libs/access/src/operation-roles.js';
import type { Projection } from '../../../../libs/projection-runtime/src/index.js';
import { allProjections } from '../../../../projections/index.js';
import { ApplicationError } from '../graphql/application-error.js';
import { requirePrincipal, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { readProjectionState, type ProjectionStateView } from './projection-state.js';
import { ProjectionStateType } from './projection-state.types.js';

/**
 * The read models as an auditor checks them (docs/rebuild.md): where each stands in the log, how far behind it is, and
 * a hash of the tenant's rows to compare with a rebuild's (`ledger replay --projection`). Auditors and admins only
 * (the roles table); the hash is always of the caller's tenant.
 */
@Resolver(() => ProjectionStateType)
export class ProjectionStateResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Query(() => ProjectionStateType, { description: "One read model's checkpoint, lag and the state hash of the tenant's rows (auditor, admin)" })
  async projectionState(@Args('name', { type: () => String }) name: string, @Context() request: GraphQLRequestContext): Promise<ProjectionStateView> {
    requireOperation(request, 'projectionState');
    const projection = allProjections.find((candidate) => candidate.name === name);
    if (!projection) {
      const known = allProjections.map((candidate) => candidate.name);
      // Details reach the client as scalar extensions only: the names as one comma-separated string.
      throw new ApplicationError('NOT_FOUND', `no projection named "${name.slice(0, 70)}"; the projections are ${known.join(', ')}`, { projections: known.join(', ') });
    }
    return readProjectionState(this.services.db, this.services.store, projection);
  }

  @Query(() => [ProjectionStateType], { description: 'Every read model, as projectionState answers for one (auditor, admin); hashes every table of the tenant, so not for polling' })
  async projectionStates(@Context() request: GraphQLRequestContext): Promise<ProjectionStateView[]> {
    requireOperation(request, 'projectionStates');
    const states: ProjectionStateView[] = [];
    // One after the other: each hash streams the tenant's rows of a projection; together they would take a connection each.
    for (const projection of allProjections as readonly Projection[]) states.push(await readProjectionState(this.services.db, this.services.store, projection));
    return states;
  }
}

/** The roles table again, where the answer is made (the API applies it before any resolver runs). */
function requireOperation(request: GraphQLRequestContext, operation: string): void {
  requirePrincipal(request);
  const decision = authorizeOperation(request.principal, 'query', [operation]);
  if (!decision.allowed) throw new ApplicationError(decision.code, decision.message);
}
