import { currentDatabaseScope, type DatabaseScope } from '../../../database/src/database-scope.js';
import type { RecordedEvent } from '../event-store.port.js';

/** One forward read of a stream: from this revision (inclusive), at most this many events. */
export interface StreamReadRequest {
  readonly streamId: string;
  readonly fromRevision: bigint;
  readonly maxCount: number;
}

interface Pending extends StreamReadRequest {
  readonly resolve: (events: RecordedEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Reads with the same key run as the same database role and tenant (scoped-pool.ts), so they may share a statement. */
function scopeKey(scope: DatabaseScope | undefined): string {
  if (scope === undefined || scope.kind === 'system') return 'system';
  return scope.kind === 'tenant' ? `tenant:${scope.tenantId}` : 'anonymous';
}

/**
 * Gathers the forward stream reads asked for in one tick (before `process.nextTick` callbacks run: what one
 * `Promise.all` of loads starts together) and hands them, per database scope, to `readTogether` as one batch. The
 * batch runs in the scope of its first read (AsyncLocalStorage carries it into the tick callback), which every read
 * of the batch shares by construction, so row-level security sees exactly what each read alone would have seen.
 */
export class StreamReadBatch {
  private readonly pending = new Map<string, Pending[]>();

  constructor(private readonly readTogether: (reads: readonly StreamReadRequest[]) => Promise<RecordedEvent[][]>) {}

  read(streamId: string, fromRevision: bigint, maxCount: number): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      const key = scopeKey(currentDatabaseScope());
      let batch = this.pending.get(key);
      if (!batch) {
        batch = [];
        this.pending.set(key, batch);
        process.nextTick(() => this.flush(key));
      }
      batch.push({ streamId, fromRevision, maxCount, resolve, reject });
    });
  }

  private flush(key: string): void {
    const batch = this.pending.get(key) ?? [];
    this.pending.delete(key);
    if (batch.length === 0) return;
    this.readTogether(batch).then(
      (results) => batch.forEach((read, index) => read.resolve(results[index] ?? [])),
      (error: unknown) => batch.forEach((read) => read.reject(error)),
    );
  }
}
