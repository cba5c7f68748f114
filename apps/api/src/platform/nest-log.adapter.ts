import type { LoggerService } from '@nestjs/common';
import type { LedgerLog, LogFields } from '../../../../libs/runtime/src/index.js';

/**
 * NestJS's own messages go to the ledger's log, so that every line on stdout is the same JSON (or the same pretty
 * text): Nest's `log` and `verbose` are debug, its warnings and errors keep their level. Nest calls
 * `error(message, stack?, context?)`; the stack and the context become fields.
 */
export class NestLogAdapter implements LoggerService {
  constructor(private readonly ledgerLog: LedgerLog) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.ledgerLog.debug(textOf(message), contextOf(optional));
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.ledgerLog.debug(textOf(message), contextOf(optional));
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.ledgerLog.debug(textOf(message), contextOf(optional));
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.ledgerLog.warn(textOf(message), contextOf(optional));
  }

  error(message: unknown, ...optional: unknown[]): void {
    const strings = optional.filter((value): value is string => typeof value === 'string');
    const stack = message instanceof Error ? message.stack : strings.find(isStack);
    const context = strings.filter((value) => !isStack(value)).at(-1);
    this.ledgerLog.error(textOf(message), { ...(context === undefined ? {} : { context }), ...(stack === undefined ? {} : { stack }) });
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.error(message, ...optional);
  }
}

function textOf(message: unknown): string {
  if (message instanceof Error) return message.message;
  return typeof message === 'string' ? message : JSON.stringify(message);
}

/** Nest tells a stack from a context by its shape (ConsoleLogger does the same). */
function isStack(value: string): boolean {
  return /^(.)+\n\s+at .+:\d+:\d+/.test(value);
}

/** Nest passes the context (the class that logged) last. */
function contextOf(optional: readonly unknown[]): LogFields | undefined {
  const context = optional.at(-1);
  return typeof context === 'string' ? { context } : undefined;
}
