import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { decodePosition } from '../../../../libs/event-store/src/index.js';
import { waitForProjections } from '../../../../libs/projection-runtime/src/index.js';
import { RECEIPT_PAGE_SIZE_MAX, ReceiptQueries } from '../../../../projections/receipts/receipts.queries.js';
import { ApplicationError } from '../graphql/application-error.js';
import { requireReader, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { ReceiptConnectionType, ReceiptFilterInput, ReceiptType, receiptView } from './receipt.types.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

/**
 * Receipts are only ever issued by the receipt process manager (no mutation). `minPosition` waits for the receipts
 * read model; a receipt is appended just AFTER the payment it is for, so a client holding a payment's position
 * may need to ask again (or subscribe to ReceiptIssued).
 */
@Resolver(() => ReceiptType)
export class ReceiptsResolver {
  private readonly queries: ReceiptQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new ReceiptQueries(services.db);
  }

  @Query(() => ReceiptType, { nullable: true })
  async receipt(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until the receipts read model includes this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await this.awaitPosition(minPosition);
    const receipt = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new ReceiptQueries(db, schema).getReceipt(principal.tenantId, id), ['receipts']);
    return receipt ? receiptView(receipt) : null;
  }

  @Query(() => ReceiptConnectionType, { description: 'Receipts, newest first' })
  async receipts(
    @Args('filter', { type: () => ReceiptFilterInput, nullable: true }) filter: ReceiptFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    if (!Number.isInteger(first) || first < 1 || first > RECEIPT_PAGE_SIZE_MAX) throw new ApplicationError('VALIDATION_FAILED', `first must be from 1 to ${RECEIPT_PAGE_SIZE_MAX}, got ${first}`);
    await this.awaitPosition(minPosition);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new ReceiptQueries(db, schema).listReceipts(principal.tenantId, filter ?? {}, first, after), ['receipts']);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: receiptView(edge.node) })), pageInfo: page.pageInfo };
  }

  private async awaitPosition(minPosition: string | null): Promise<void> {
    if (!minPosition) return;
    const position = decodePosition(minPosition);
    const timeoutMs = this.services.config.readYourWritesTimeoutMs;
    if (!(await waitForProjections(this.services.db, ['receipts'], position, timeoutMs))) {
      throw new ApplicationError('READ_MODEL_TIMEOUT', `the read models did not reach position ${minPosition} within ${timeoutMs} ms; retry, or check that projections are running`);
    }
  }
}
