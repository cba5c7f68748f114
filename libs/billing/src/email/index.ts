export * from './email.commands.js';
export * from './email.events.js';
export { emailAttemptsMax, emailRetryDelaysMinutes, nextEmailAttemptAt } from './email.retry-schedule.js';
export { evolveEmail, initialEmailState, type EmailState, type EmailStatus } from './email.state.js';
export { decideEmail, emailDecider, emailLimits, nextEmailAttempt, NO_RECIPIENT_REASON } from './email.decider.js';
export { automaticEmailEnabled, emailToggles } from './email.settings.js';
