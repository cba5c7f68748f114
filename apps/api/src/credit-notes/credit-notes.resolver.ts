import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CREDIT_NOTE_PAGE_SIZE_MAX, CreditNoteQueries } from '../../../../projections/credit-notes/credit-notes.queries.js';
import { applyCreditNote, createCreditNote, issueCreditNote, voidCreditNote } from '../../../../libs/ledger-application/src/index.js';
import { creditNotePayload } from './credit-note.payload.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import {
  ApplyCreditNoteInput,
  CreateCreditNoteInput,
  CreditNoteConnectionType,
  CreditNoteFilterInput,
  CreditNotePayloadType,
  CreditNoteType,
  IssueCreditNoteInput,
  VoidCreditNoteInput,
} from './credit-note.types.js';
import { creditNoteViewFromRecord } from './credit-note.view.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const READ_MODELS = ['credit_notes'] as const;

/** Resolvers only turn input into a command or a query (docs/architecture.md, Conventions 5). */
@Resolver(() => CreditNoteType)
export class CreditNotesResolver {
  private readonly queries: CreditNoteQueries;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.queries = new CreditNoteQueries(services.db);
  }

  @Mutation(() => CreditNotePayloadType, { description: 'Creates a draft credit note, optionally on a source invoice (no more than is still creditable on it)' })
  createCreditNote(@Args('input', { type: () => CreateCreditNoteInput }) input: CreateCreditNoteInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createCreditNote', input, (context) => createCreditNote(this.services, context, input).then(creditNotePayload));
  }

  @Mutation(() => CreditNotePayloadType, { description: 'Issues a draft: the next gapless CN number; registers the note on its source invoice in the same append' })
  issueCreditNote(@Args('input', { type: () => IssueCreditNoteInput }) input: IssueCreditNoteInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'issueCreditNote', input, (context) => issueCreditNote(this.services, context, input).then(creditNotePayload));
  }

  @Mutation(() => CreditNotePayloadType, { description: 'Applies credit of an issued note to an invoice, to the customer account, or as a refund' })
  applyCreditNote(@Args('input', { type: () => ApplyCreditNoteInput }) input: ApplyCreditNoteInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'applyCreditNote', input, (context) => applyCreditNote(this.services, context, input).then(creditNotePayload));
  }

  @Mutation(() => CreditNotePayloadType, { description: 'Voids a draft or an issued note without applications; an issued note keeps its number' })
  voidCreditNote(@Args('input', { type: () => VoidCreditNoteInput }) input: VoidCreditNoteInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'voidCreditNote', input, (context) => voidCreditNote(this.services, context, input).then(creditNotePayload));
  }

  @Query(() => CreditNoteType, { nullable: true })
  async creditNote(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until the credit notes read model includes this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new CreditNoteQueries(db, schema).getCreditNote(principal.tenantId, id), READ_MODELS);
    return record ? creditNoteViewFromRecord(record) : null;
  }

  @Query(() => CreditNoteConnectionType, { description: 'Credit notes, newest first' })
  async creditNotes(
    @Args('filter', { type: () => CreditNoteFilterInput, nullable: true }) filter: CreditNoteFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, CREDIT_NOTE_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new CreditNoteQueries(db, schema).listCreditNotes(principal.tenantId, filter ?? {}, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: creditNoteViewFromRecord(edge.node) })), pageInfo: page.pageInfo };
  }
}
