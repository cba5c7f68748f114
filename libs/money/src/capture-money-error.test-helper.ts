import { MoneyError } from './money.errors.js';

/** Runs `action` and returns the MoneyError it throws; fails when it throws something else or nothing. */
export function captureMoneyError(action: () => unknown): MoneyError {
  try {
    action();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  throw new Error('expected a MoneyError, but nothing was thrown');
}
