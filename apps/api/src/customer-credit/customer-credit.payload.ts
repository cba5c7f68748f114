import type { CommandContext } from '../../../../libs/application/src/index.js';
import { encodePosition, START_POSITION } from '../../../../libs/event-store/src/index.js';
import { tenantTodayIn, type CreditApplicationOutcome, type CustomerAccountOutcome } from '../../../../libs/ledger-application/src/index.js';
import { invoiceViewFromState } from '../invoices/invoice.view.js';
import { customerAccountView } from './customer-account.view.js';
import type { ApplyCreditPayloadType, CustomerAccountPayloadType } from './customer-credit.types.js';

/** applyCredit's answer: the account and the invoice, "overdue" judged on the tenant's date at the command's `now`. */
export function applyCreditPayload(context: Pick<CommandContext, 'now'>, { customerId, account, invoice, settings, position }: CreditApplicationOutcome): ApplyCreditPayloadType {
  return {
    account: customerAccountView(customerId, account),
    invoice: invoiceViewFromState(invoice, tenantTodayIn(context.now, settings)),
    position: encodePosition(position ?? START_POSITION),
  };
}

export function customerAccountPayload({ customerId, account, position }: CustomerAccountOutcome): CustomerAccountPayloadType {
  return { account: customerAccountView(customerId, account), position: encodePosition(position ?? START_POSITION) };
}
