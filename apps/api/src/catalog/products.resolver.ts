import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PRODUCT_PAGE_SIZE_MAX, ProductQueries } from '../../../../projections/catalog/catalog.queries.js';
import { archiveProduct, createProduct, updateProduct } from '../../../../libs/ledger-application/src/catalog/index.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { productPayload } from './catalog.payload.js';
import { ArchiveProductInput, CreateProductInput, ProductConnectionType, ProductFilterInput, ProductPayloadType, ProductType, UpdateProductInput } from './catalog.types.js';
import { productViewFromRecord } from './catalog.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['products'] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the read models include this position' } as const;

/** Products of the catalog (docs/domain.md, "Catalog and pricing rules"). Resolvers only translate (Conventions 5). */
@Resolver(() => ProductType)
export class ProductsResolver {
  private readonly queries: ProductQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new ProductQueries(services.db);
  }

  @Mutation(() => ProductPayloadType, { description: 'Creates a product; the same product again changes nothing, another one under its id is ALREADY_EXISTS' })
  createProduct(@Args('input', { type: () => CreateProductInput }) input: CreateProductInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createProduct', input, (context) => createProduct(this.services, context, input).then(productPayload));
  }

  @Mutation(() => ProductPayloadType, { description: "Replaces a product's name and description" })
  updateProduct(@Args('input', { type: () => UpdateProductInput }) input: UpdateProductInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'updateProduct', input, (context) => updateProduct(this.services, context, input).then(productPayload));
  }

  @Mutation(() => ProductPayloadType, { description: 'Takes a product off sale: no new plans under it; its plans and their subscriptions continue' })
  archiveProduct(@Args('input', { type: () => ArchiveProductInput }) input: ArchiveProductInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'archiveProduct', input, (context) => archiveProduct(this.services, context, input).then(productPayload));
  }

  @Query(() => ProductType, { nullable: true })
  async product(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new ProductQueries(db, schema).getProduct(principal.tenantId, id), READ_MODELS);
    return record ? productViewFromRecord(record) : null;
  }

  @Query(() => ProductConnectionType, { description: 'Products ordered by id' })
  async products(
    @Args('filter', { type: () => ProductFilterInput, nullable: true }) filter: ProductFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, PRODUCT_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new ProductQueries(db, schema).listProducts(principal.tenantId, filter ?? {}, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: productViewFromRecord(edge.node) })), pageInfo: page.pageInfo };
  }
}
