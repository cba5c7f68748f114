export * from './credit-note.commands.js';
export * from './credit-note.events.js';
export * from './credit-note.state.js';
export { creditNoteDecider, creditNoteLimits, decideCreditNote, taxBreakdownOfCreditNote } from './credit-note.decider.js';
