import { aggregates, executeCommand } from '../../../application/src/index.js';
import type { DueWorkHandlers } from '../../../scheduler/src/index.js';
import { emailWorkKinds, type EmailRetryWorkPayload } from '../../../../projections/email-deliveries/email-due-work.projection.js';
import type { ApplicationServices } from '../common/application-services.js';

/**
 * The email retries' due work (projections/email-deliveries/email-due-work.projection.ts): when a failed attempt's next
 * attempt falls due on the tenant's clock, the scheduler records EmailRetryDue on the email's stream (the command id
 * derives from the work key, so a re-dispatch records it once), and the email process manager makes the attempt. The
 * sending itself stays in the process manager: one lease holder sends, and the scheduler never waits on a mail server.
 * A retry that no longer applies (the email was sent meanwhile) records nothing. `RETRY_NOT_DUE` cannot happen at the
 * due instant; should the clocks disagree it is tried again later.
 */
export function emailDueWorkHandlers(services: Pick<ApplicationServices, 'store'>): DueWorkHandlers {
  return {
    [emailWorkKinds.retry]: {
      onRefusal: 'retry_later',
      handle: async (item, context) => {
        const { emailId, attempt } = item.payload as unknown as EmailRetryWorkPayload;
        const outcome = await executeCommand(services.store, context.command, aggregates.email.on(emailId, { command: () => ({ type: 'MarkEmailRetryDue', data: { emailId, attempt } }) }));
        return { status: 'done', position: outcome.position };
      },
    },
  };
}
