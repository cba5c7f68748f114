export { decideRefund, refundReadsOf, type RefundDecision, type RefundIds, type RefundInput, type RefundRequest } from './refund.decide.js';
