import pg from 'pg';

/**
 * One runner per projection at a time: a session-level advisory lock held on a dedicated connection. If the
 * process dies, PostgreSQL drops the session and the lock with it, so another process can take over.
 */
export class ProjectionLease {
  private lostListeners: (() => void)[] = [];
  private released = false;

  private constructor(private readonly client: pg.Client, readonly name: string) {
    client.on('error', () => this.lose());
    client.on('end', () => this.lose());
  }

  static async tryAcquire(connectionString: string, name: string): Promise<ProjectionLease | undefined> {
    const client = new pg.Client({ connectionString, application_name: `projection-lease:${name}` });
    await client.connect();
    try {
      const { rows } = await client.query<{ acquired: boolean }>("select pg_try_advisory_lock(hashtext('projection:' || $1)) as acquired", [name]);
      if (rows[0]?.acquired) return new ProjectionLease(client, name);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end();
    return undefined;
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.client.query("select pg_advisory_unlock(hashtext('projection:' || $1))", [this.name]).catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  private lose(): void {
    if (this.released) return;
    this.released = true;
    for (const listener of this.lostListeners) listener();
  }
}
