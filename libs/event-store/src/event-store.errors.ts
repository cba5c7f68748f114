import type { ExpectedRevision } from './event-store.port.js';

/** The stream's revision was not what the append expected. `actual` is 'no_stream' when the stream does not exist. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream' | 'unknown',
    reason?: string,
  ) {
    super(
      `wrong expected version on stream ${streamId}: expected ${describeRevision(expected)}, actual ${
        typeof actual === 'bigint' ? `revision ${actual}` : actual
      }${reason ? ` (${reason})` : ''}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

export class InvalidPositionError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly cursor: string) {
    super(`"${cursor}" is not a valid position: expected "<commit>.<prepare>", e.g. "0.0" for the beginning`);
    this.name = 'InvalidPositionError';
  }
}

export class InvalidAppendError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

export function describeRevision(revision: ExpectedRevision): string {
  return typeof revision === 'bigint' ? `revision ${revision}` : revision;
}
