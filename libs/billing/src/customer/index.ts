export * from './customer.commands.js';
export * from './customer.events.js';
export { customerDecider, customerLimits, decideCustomer, evolveCustomer, initialCustomerState, type CustomerState } from './customer.decider.js';
