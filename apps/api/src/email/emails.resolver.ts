import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { sendInvoice, type SendInvoiceOutcome } from '../../../../libs/ledger-application/src/email/index.js';
import { EMAIL_PAGE_SIZE_MAX, EmailQueries, type EmailRecord } from '../../../../projections/email-deliveries/emails.queries.js';
import { requireReader, runMutation, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { awaitReadModels, requirePageSize } from '../settings/read-your-writes.js';
import { AS_OF_DESCRIPTION, AS_OF_TIME_DESCRIPTION, readModelsAt } from '../as-of/as-of-read.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { EmailConnectionType, EmailFilterInput, EmailType, SendInvoiceInput, SendInvoicePayloadType } from './email.types.js';

const READ_MODELS = ['emails'] as const;
const MIN_POSITION = { type: () => String, nullable: true, description: 'Wait (bounded) until the emails read model includes this position' } as const;

function emailView(record: EmailRecord): EmailType {
  const { emailId, ...rest } = record;
  return { id: emailId, ...rest };
}

function sendInvoicePayload({ emailId, position }: SendInvoiceOutcome): SendInvoicePayloadType {
  return { emailId, status: 'pending', position: encodePosition(position ?? START_POSITION) };
}

/**
 * Emails (docs/email.md): `sendInvoice` asks for an invoice email now (the email process manager sends it and retries
 * it); the queries read the `emails` read model. Resolvers only translate (Conventions 5).
 */
@Resolver(() => EmailType)
export class EmailsResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Mutation(() => SendInvoicePayloadType, { description: 'Emails an issued invoice (with its PDF) to the customer now, whatever the automatic email settings say; each new idempotency key sends it again' })
  sendInvoice(@Args('input', { type: () => SendInvoiceInput }) input: SendInvoiceInput, @Context() request: GraphQLRequestContext) {
    return runMutation(this.services, request, 'sendInvoice', input, (context) => sendInvoice(this.services, context, input).then(sendInvoicePayload));
  }

  @Query(() => EmailConnectionType, { description: 'Emails, newest first' })
  async emails(
    @Args('filter', { type: () => EmailFilterInput, nullable: true }) filter: EmailFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    requirePageSize(first, EMAIL_PAGE_SIZE_MAX);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    const page = await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new EmailQueries(db, schema).listEmails(principal.tenantId, filter ?? {}, first, after), READ_MODELS);
    return { edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: emailView(edge.node) })), pageInfo: page.pageInfo };
  }

  @Query(() => [EmailType], { description: "An invoice's emails (issue email, copies sent again, overdue notices, reminders), newest first" })
  async invoiceEmails(
    @Args('invoiceId', { type: () => ID }) invoiceId: string,
    @Args('minPosition', MIN_POSITION) minPosition: string | null,
    @Context() request: GraphQLRequestContext,
    @Args('asOf', { type: () => String, nullable: true, description: AS_OF_DESCRIPTION }) asOf: string | null = null,
    @Args('asOfTime', { type: () => DateTimeScalar, nullable: true, description: AS_OF_TIME_DESCRIPTION }) asOfTime: string | null = null,
  ) {
    const principal = requireReader(request);
    await awaitReadModels(this.services, minPosition, READ_MODELS);
    return (await readModelsAt(this.services, principal.tenantId, { asOf, asOfTime }, (db, schema) => new EmailQueries(db, schema).invoiceEmails(principal.tenantId, invoiceId), READ_MODELS)).map(emailView);
  }
}
