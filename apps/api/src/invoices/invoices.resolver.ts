import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { decodePosition } from '../../../../libs/event-store/src/index.js';
import { waitForProjections } from '../../../../libs/projection-runtime/src/index.js';
import { INVOICE_PAGE_SIZE_MAX, InvoiceQueries } from '../../../../projections/invoices/invoices.queries.js';
import { ApplicationError } from '../graphql/application-error.js';
import { addInvoiceLine, createInvoice, issueInvoice, recordPayment, removeInvoiceLine, voidInvoice, writeOffInvoice } from '../../../../libs/ledger-application/src/index.js';
import { invoicePayload } from './invoice.payload.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { isCurrencyCode } from '../../../../libs/money/src/index.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { requireReporting, tenantToday } from '../../../../libs/ledger-application/src/common/billing-settings.js';
import {
  AddInvoiceLineInput,
  CreateInvoiceInput,
  CustomerBalanceType,
  InvoiceConnectionType,
  InvoiceFilterInput,
  InvoicePayloadType,
  InvoiceTotalsType,
  InvoiceType,
  IssueInvoiceInput,
  RecordPaymentInput,
  RemoveInvoiceLineInput,
  VoidInvoiceInput,
  WriteOffInvoiceInput,
} from './invoice.types.js';
import { invoiceViewFromRecord } from './invoice.view.js';
import { money } from '../graphql/common.types.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const reportingCurrencyDescription = 'Show reportingTotal in this currency (at each invoice\'s locked rate); default: the currency locked at issue';

function requireReportingCurrency(value: string | null): string | null {
  if (value !== null && !isCurrencyCode(value)) throw new ApplicationError('VALIDATION_FAILED', `reportingCurrency must be an ISO 4217 currency code, got ${JSON.stringify(value.slice(0, 10))}`);
  return value;
}

/** Resolvers only turn input into a command or a query (docs/architecture.md, Conventions 5). */
@Resolver(() => InvoiceType)
export class InvoicesResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => InvoicePayloadType, { description: 'Creates a draft invoice' })
  createInvoice(@Args('input', { type: () => CreateInvoiceInput }) input: CreateInvoiceInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'createInvoice', input, (context) => createInvoice(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Mutation(() => InvoicePayloadType, { description: 'Adds a line to a draft invoice' })
  addInvoiceLine(@Args('input', { type: () => AddInvoiceLineInput }) input: AddInvoiceLineInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'addInvoiceLine', input, (context) => addInvoiceLine(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Mutation(() => InvoicePayloadType, { description: 'Removes a line from a draft invoice' })
  removeInvoiceLine(@Args('input', { type: () => RemoveInvoiceLineInput }) input: RemoveInvoiceLineInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'removeInvoiceLine', input, (context) => removeInvoiceLine(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Mutation(() => InvoicePayloadType, { description: 'Issues a draft: assigns the next gapless number, freezes totals, sets the due date' })
  issueInvoice(@Args('input', { type: () => IssueInvoiceInput }) input: IssueInvoiceInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'issueInvoice', input, (context) => issueInvoice(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Mutation(() => InvoicePayloadType, { description: 'Records a payment against an open invoice; any excess becomes customer credit' })
  recordPayment(@Args('input', { type: () => RecordPaymentInput }) input: RecordPaymentInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'recordPayment', input, (context) => recordPayment(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Mutation(() => InvoicePayloadType, { description: 'Voids an invoice that has no payments; an issued invoice keeps its number' })
  voidInvoice(@Args('input', { type: () => VoidInvoiceInput }) input: VoidInvoiceInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'voidInvoice', input, (context) => voidInvoice(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Mutation(() => InvoicePayloadType, { description: 'Writes the remaining balance of an issued invoice off as uncollectable: balance 0, status WRITTEN_OFF' })
  writeOffInvoice(@Args('input', { type: () => WriteOffInvoiceInput }) input: WriteOffInvoiceInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'writeOffInvoice', input, (context) => writeOffInvoice(this.services, context, input).then((outcome) => invoicePayload(context, outcome)));
  }

  @Query(() => InvoiceType, { nullable: true })
  async invoice(
    @Args('id', { type: () => ID }) id: string,
    @Args('minPosition', { type: () => String, nullable: true, description: 'Wait (bounded) until read models include this position' }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('reportingCurrency', { type: () => String, nullable: true, description: reportingCurrencyDescription }) reportingCurrency: string | null = null,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    const currency = requireReportingCurrency(reportingCurrency);
    await this.awaitPosition(minPosition, ['invoices', 'billing_settings']);
    const today = await tenantToday(this.services, principal.tenantId);
    const record = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new InvoiceQueries(db, schema).getInvoice(principal.tenantId, id, today, currency), ['invoices']);
    return record ? invoiceViewFromRecord(record) : null;
  }

  @Query(() => InvoiceConnectionType)
  async invoices(
    @Args('filter', { type: () => InvoiceFilterInput, nullable: true }) filter: InvoiceFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('reportingCurrency', { type: () => String, nullable: true, description: reportingCurrencyDescription }) reportingCurrency: string | null = null,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    if (!Number.isInteger(first) || first < 1 || first > INVOICE_PAGE_SIZE_MAX) throw new ApplicationError('VALIDATION_FAILED', `first must be from 1 to ${INVOICE_PAGE_SIZE_MAX}, got ${first}`);
    const currency = requireReportingCurrency(reportingCurrency);
    await this.awaitPosition(minPosition, ['invoices', 'billing_settings']);
    const today = await tenantToday(this.services, principal.tenantId);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) =>
      new InvoiceQueries(db, schema).listInvoices(principal.tenantId, filter ?? {}, first, after, today, currency),
      ['invoices'],
    );
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: invoiceViewFromRecord(edge.node) })), pageInfo: page.pageInfo };
  }

  @Query(() => InvoiceTotalsType, {
    description: 'Issued invoices (not void, unless the filter asks) summed in reportingCurrency, each at the rate it locked at issue; invoices without such a rate are counted as unconverted',
  })
  async invoiceTotals(
    @Args('filter', { type: () => InvoiceFilterInput, nullable: true }) filter: InvoiceFilterInput | null,
    @Args('reportingCurrency', { type: () => String }) reportingCurrency: string,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    const currency = requireReportingCurrency(reportingCurrency) as string;
    await requireReporting(this.services, principal.tenantId);
    await this.awaitPosition(minPosition, ['invoices', 'billing_settings']);
    const today = await tenantToday(this.services, principal.tenantId);
    const totals = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new InvoiceQueries(db, schema).invoiceTotals(principal.tenantId, filter ?? {}, currency, today), ['invoices']);
    return { ...totals, total: money(totals.total, currency) };
  }

  @Query(() => CustomerBalanceType)
  async customerBalance(
    @Args('customerId', { type: () => String }) customerId: string,
    @Args('minPosition', { type: () => String, nullable: true }) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await this.awaitPosition(minPosition, ['customer_balances']);
    const credit = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new InvoiceQueries(db, schema).customerCredit(principal.tenantId, customerId), ['customer_balances']);
    return { customerId, credit };
  }

  private async awaitPosition(minPosition: string | null, projections: string[]): Promise<void> {
    if (!minPosition) return;
    const position = decodePosition(minPosition);
    const timeoutMs = this.services.config.readYourWritesTimeoutMs;
    if (!(await waitForProjections(this.services.db, projections, position, timeoutMs))) {
      throw new ApplicationError('READ_MODEL_TIMEOUT', `the read models did not reach position ${minPosition} within ${timeoutMs} ms; retry, or check that projections are running`);
    }
  }
}
