import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres.js';

/**
 * A separate process that owns an embedded PostgreSQL, so tests can SIGKILL it (leaving a stale server) or run it
 * as another OS user. Prints one JSON line when ready, stops the server on SIGTERM.
 */
const dataDirectory = process.argv[2];
if (!dataDirectory) throw new Error('usage: embedded-postgres-child <data directory> [port]');
try {
  const server = await startEmbeddedPostgres({ dataDirectory, ephemeral: true, port: Number(process.argv[3] ?? 0) });
  console.log(JSON.stringify({ ready: true, port: server.port, url: server.connectionString('postgres') }));
  process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
} catch (error) {
  console.log(JSON.stringify({ ready: false, error: (error as Error).message }));
  process.exit(1);
}
