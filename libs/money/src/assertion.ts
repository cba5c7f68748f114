/**
 * Assertions guard invariants that only a bug can break (docs/architecture.md, Conventions 10): they crash with a plain
 * Error instead of a MoneyError, because there is nothing a caller could correct in its input.
 */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`money invariant broken: ${message}`);
}
