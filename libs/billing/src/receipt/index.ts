export * from './receipt.commands.js';
export * from './receipt.events.js';
export { receiptText, type ReceiptTextOptions } from './receipt.text.js';
export { decideReceipt, evolveReceipt, initialReceiptState, receiptDecider, receiptLimits, type ReceiptState } from './receipt.decider.js';
