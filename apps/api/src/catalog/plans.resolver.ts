import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { PLAN_PAGE_SIZE_MAX, PlanQueries, type PlanVersionRecord } from '../../../../projections/catalog/catalog.queries.js';
import { archivePlan, createPlan, publishPlanVersion, renamePlan, unarchivePlan } from '../../../../libs/ledger-application/src/catalog/index.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { planPayload } from './catalog.payload.js';
import {
  ArchivePlanInput,
  CreatePlanInput,
  PlanConnectionType,
  PlanFilterInput,
  PlanPayloadType,
  PlanType,
  PlanVersionType,
  PublishPlanVersionInput,
  RenamePlanInput,
  UnarchivePlanInput,
} from './catalog.types.js';
import { planVersionView, planViewFromRecord, type PlanView } from './catalog.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['plans'] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;
const AS_OF = { type: () => String, nullable: true, description: AS_OF_DESCRIPTION } as const;
const AS_OF_TIME = { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION } as const;

/** Plans and their versions (docs/domain.md, "Catalog and pricing rules"). Resolvers only translate (Conventions 5). */
@Resolver(() => PlanType)
export class PlansResolver {
  private readonly queries: PlanQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new PlanQueries(services.db);
  }

  @Mutation(() => PlanPayloadType, { description: 'Creates a plan of an existing product on sale, with its version 1' })
  createPlan(@Args('input', { type: () => CreatePlanInput }) input: CreatePlanInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createPlan', input, (context) => createPlan(this.services, context, input).then(planPayload));
  }

  @Mutation(() => PlanPayloadType, { description: 'Publishes the next version with the whole new terms; earlier versions stay readable and subscriptions keep theirs' })
  publishPlanVersion(@Args('input', { type: () => PublishPlanVersionInput }) input: PublishPlanVersionInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'publishPlanVersion', input, (context) => publishPlanVersion(this.services, context, input).then(planPayload));
  }

  @Mutation(() => PlanPayloadType, { description: 'Renames a plan (a name is not a term: no new version)' })
  renamePlan(@Args('input', { type: () => RenamePlanInput }) input: RenamePlanInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'renamePlan', input, (context) => renamePlan(this.services, context, input).then(planPayload));
  }

  @Mutation(() => PlanPayloadType, { description: 'No new subscriptions (PLAN_NOT_ACTIVE); existing ones continue on the terms they copied' })
  archivePlan(@Args('input', { type: () => ArchivePlanInput }) input: ArchivePlanInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'archivePlan', input, (context) => archivePlan(this.services, context, input).then(planPayload));
  }

  @Mutation(() => PlanPayloadType, { description: 'Puts an archived plan on sale again, with the versions it had' })
  unarchivePlan(@Args('input', { type: () => UnarchivePlanInput }) input: UnarchivePlanInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'unarchivePlan', input, (context) => unarchivePlan(this.services, context, input).then(planPayload));
  }

  @Query(() => PlanType, { nullable: true })
  async plan(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    if (asOf !== null || asOfTime !== null) {
      return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, async (db, schema) => {
        const queries = new PlanQueries(db, schema);
        const record = await queries.getPlan(principal.tenantId, id);
        return record ? ((await withVersionsAsOf(queries, principal.tenantId, [planViewFromRecord(record)]))[0] ?? null) : null;
      }, READ_MODELS);
    }
    const record = await this.queries.getPlan(principal.tenantId, id);
    return record ? this.readingVersionsOnce(principal.tenantId, [planViewFromRecord(record)])[0] : null;
  }

  @Query(() => PlanConnectionType, { description: 'Plans ordered by id' })
  async plans(
    @Args('filter', { type: () => PlanFilterInput, nullable: true }) filter: PlanFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', AS_OF) asOf: string | null = null,
    @Args('asOfTime', AS_OF_TIME) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, PLAN_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    if (asOf !== null || asOfTime !== null) {
      return readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, async (db, schema) => {
        const queries = new PlanQueries(db, schema);
        const page = await queries.listPlans(principal.tenantId, filter ?? {}, first, after);
        const nodes = await withVersionsAsOf(queries, principal.tenantId, page.edges.map((edge) => planViewFromRecord(edge.node)));
        return { edges: page.edges.map((edge, index) => ({ cursor: edge.cursor, node: nodes[index] as PlanView })), pageInfo: page.pageInfo };
      }, READ_MODELS);
    }
    const page = await this.queries.listPlans(principal.tenantId, filter ?? {}, first, after);
    const nodes = this.readingVersionsOnce(
      principal.tenantId,
      page.edges.map((edge) => planViewFromRecord(edge.node)),
    );
    return { edges: page.edges.map((edge, index) => ({ cursor: edge.cursor, node: nodes[index] as PlanView })), pageInfo: page.pageInfo };
  }

  @ResolveField('current', () => PlanVersionType, { description: 'The current version: the terms new subscriptions take' })
  async current(@Parent() plan: PlanView, @Context() request: GraphQLRequestContext): Promise<PlanVersionType> {
    const current = (await this.versionsOf(plan, request)).find((version) => version.version === plan.currentVersion);
    if (current === undefined) throw new Error(`plan ${plan.id} has no row for its current version ${plan.currentVersion}`);
    return current;
  }

  @ResolveField('versions', () => [PlanVersionType], { description: 'Every version, oldest first: versions stay readable forever' })
  versions(@Parent() plan: PlanView, @Context() request: GraphQLRequestContext): Promise<readonly PlanVersionType[]> {
    return this.versionsOf(plan, request);
  }

  @ResolveField('version', () => PlanVersionType, { nullable: true, description: 'One version by its number; null when the plan has no such version' })
  async version(@Parent() plan: PlanView, @Args('number', { type: () => Int }) number: number, @Context() request: GraphQLRequestContext): Promise<PlanVersionType | null> {
    return (await this.versionsOf(plan, request)).find((version) => version.version === number) ?? null;
  }

  /** Registers one read of the versions of all these plans, made only if some selected field needs them. */
  private readingVersionsOnce(tenantId: string, plans: PlanView[]): PlanView[] {
    const versions = once(() => this.queries.versionsOf(tenantId, plans.map((plan) => plan.id)));
    for (const plan of plans) pageVersions.set(plan, async () => (await versions()).get(plan.id) ?? []);
    return plans;
  }

  /** The plan's versions: those a mutation's answer carries, else its page's (one read per page), else its own read. */
  private async versionsOf(plan: PlanView, request: GraphQLRequestContext): Promise<readonly PlanVersionType[]> {
    if (plan.versions !== undefined) return plan.versions;
    const records = (await pageVersions.get(plan)?.()) ?? (await this.queries.versionsOf(requireReader(request).tenantId, [plan.id])).get(plan.id) ?? [];
    return records.map(planVersionView);
  }
}

/**
 * The plans with their versions read now, in the as-of transaction (one read for them all): `current`, `versions` and
 * `version` answer from them as from a mutation's answer, instead of reading the live table after the transaction.
 */
async function withVersionsAsOf(queries: PlanQueries, tenantId: string, plans: readonly PlanView[]): Promise<PlanView[]> {
  const versions = await queries.versionsOf(tenantId, plans.map((plan) => plan.id));
  return plans.map((plan) => ({ ...plan, versions: (versions.get(plan.id) ?? []).map(planVersionView) }));
}

/** The versions of a listed plan, read once for its whole page (keyed by the plan object the list returned). */
const pageVersions = new WeakMap<PlanView, () => Promise<readonly PlanVersionRecord[]>>();

/** A read done at most once, however many fields ask for it. */
function once<Value>(read: () => Promise<Value>): () => Promise<Value> {
  let pending: Promise<Value> | undefined;
  return () => (pending ??= read());
}
