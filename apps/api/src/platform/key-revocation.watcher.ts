import type { ApiKeysService } from '../../../../libs/access/src/api-keys.service.js';
import { runAsSystem } from '../../../../libs/database/src/index.js';

/** How often open WebSocket connections are checked against their keys: revocation and expiry close them this fast. */
export const KEY_CHECK_INTERVAL_MS = 500;
/** graphql-ws's own code for "forbidden"; the reason says why. */
export const KEY_NO_LONGER_VALID_CLOSE_CODE = 4403;

interface ClosableSocket {
  close(code: number, reason: string): void;
}

/**
 * Closes the WebSocket connections of keys that were revoked or have expired, within KEY_CHECK_INTERVAL_MS (plus one
 * query) on every API node: each node checks the keys of its own open connections against the database, so a
 * revocation made through any node, or the CLI, reaches them all. One indexed query per interval, and none while
 * no connection is open.
 */
export class KeyRevocationWatcher {
  private readonly sockets = new Map<string, Set<ClosableSocket>>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), KEY_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  register(keyId: string, socket: ClosableSocket): () => void {
    let open = this.sockets.get(keyId);
    if (!open) this.sockets.set(keyId, (open = new Set()));
    open.add(socket);
    return () => {
      open.delete(socket);
      if (open.size === 0 && this.sockets.get(keyId) === open) this.sockets.delete(keyId);
    };
  }

  /** Number of open connections (for tests and metrics). */
  get openConnections(): number {
    let count = 0;
    for (const open of this.sockets.values()) count += open.size;
    return count;
  }

  async check(): Promise<void> {
    if (this.checking || this.sockets.size === 0) return;
    this.checking = true;
    try {
      const invalid = await runAsSystem('key revocation check', () => this.apiKeys.invalidKeyIds([...this.sockets.keys()]));
      for (const keyId of invalid) {
        const open = this.sockets.get(keyId);
        this.sockets.delete(keyId);
        for (const socket of open ?? []) socket.close(KEY_NO_LONGER_VALID_CLOSE_CODE, 'FORBIDDEN: the API key was revoked or has expired');
        if (open?.size) this.log(`closed ${open.size} WebSocket connection(s) of API key ${keyId}: revoked or expired`);
      }
    } catch (error) {
      this.log(`API key check of open WebSocket connections failed, retrying: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
