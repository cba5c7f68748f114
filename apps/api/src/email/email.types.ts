import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { emailKinds, type EmailKind } from '../../../../libs/billing/src/index.js';
import { emailStatuses, type EmailRecordStatus } from '../../../../projections/email-deliveries/emails.projection.js';
import { Connection } from '../graphql/connection.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';

/** GraphQL enums from the domain's own lists: names upper case, values the domain's (payment_confirmation -> PAYMENT_CONFIRMATION). */
function enumOf<const Value extends string>(values: readonly Value[], name: string, description: string): Record<string, Value> {
  const enumObject = Object.fromEntries(values.map((value) => [value.toUpperCase(), value] as const)) as Record<string, Value>;
  registerEnumType(enumObject, { name, description });
  return enumObject;
}

export const EmailKindEnum = enumOf(emailKinds, 'EmailKind', 'What an email is about: an invoice, a receipt, a payment confirmation, an overdue notice or a payment reminder');
export const EmailStatusEnum = enumOf(
  emailStatuses,
  'EmailStatus',
  'PENDING: asked for (or a retry fell due) and not attempted yet; RETRYING: an attempt failed, another is scheduled; SENT: accepted by the mail server; FAILED: given up',
);

@ObjectType('Email', { description: 'One email the ledger sends, with its attempts (docs/email.md)' })
export class EmailType {
  @Field(() => ID) id!: string;
  @Field(() => EmailKindEnum) kind!: EmailKind;
  @Field(() => ID, { description: 'The invoice, receipt or payment the email is about' }) documentId!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => String, { nullable: true, description: 'The recipient of the last attempt; null before one, or when the customer has no email address' }) to!: string | null;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => EmailStatusEnum) status!: EmailRecordStatus;
  @Field(() => Int, { description: 'Attempts made so far' }) attempts!: number;
  @Field(() => String, { nullable: true, description: 'The Message-ID header sent (the same on every attempt)' }) messageId!: string | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed: no_recipient, an SMTP answer, a connection error' }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next attempt is due (RETRYING), on the tenant clock' }) nextAttemptAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) sentAt!: string | null;
  @Field(() => DateTimeScalar) createdAt!: string;
  @Field(() => DateTimeScalar) updatedAt!: string;
}

export const EmailConnectionType = Connection(EmailType, 'Email');

@InputType('EmailFilterInput')
export class EmailFilterInput {
  @Field(() => EmailKindEnum, { nullable: true }) kind?: EmailKind | null;
  @Field(() => EmailStatusEnum, { nullable: true }) status?: EmailRecordStatus | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The invoice, receipt or payment' }) documentId?: string | null;
}

@InputType('SendInvoiceInput')
export class SendInvoiceInput {
  @Field(() => ID) invoiceId!: string;
  @Field(() => String, { nullable: true, description: 'The same key again is the same request; a new key sends the invoice again' }) idempotencyKey?: string | null;
}

@ObjectType('SendInvoicePayload')
export class SendInvoicePayloadType {
  @Field(() => ID, { description: 'The email: follow it with invoiceEmails or emails' }) emailId!: string;
  @Field(() => EmailStatusEnum, { description: 'PENDING: the email process manager makes the first attempt at once' }) status!: EmailRecordStatus;
  @Field(() => String, { description: 'The position of the request: pass it as minPosition to the email queries' }) position!: string;
}
