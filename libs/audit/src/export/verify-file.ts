import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { VerifierKeyError, verifyExport, type ExportFailure, type ExportSummary, type ExportVerification } from './export-verifier.js';

/**
 * The verifier as a command: reading the export file and the key, printing the result, the exit status. Shared by
 * `npm run ledger -- verify` and the standalone script tools/verify-ledger-export.mjs (bundled from this folder).
 */

/** Exit statuses: 0 verified, 1 the export fails verification (or cannot be read), 2 a usage error (arguments, key). */
export const VERIFY_OK = 0;
export const VERIFY_FAILED = 1;
export const VERIFY_USAGE = 2;

/** A usage problem: bad arguments, or a key file that cannot be read or is not an ed25519 public key. */
export class VerifyUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyUsageError';
  }
}

/** The lines of a file, streamed (an export can be larger than memory); `\r\n` endings are accepted. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    input.destroy();
  }
}

/** The lines of a text held in memory, as readLines gives them (no empty line after the last newline). */
export function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export async function readPublicKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new VerifyUsageError(`cannot read the public key file ${path}: ${(error as Error).message}`);
  }
}

/** Verifies the export at `path` with the PEM public key at `keyPath`. Throws VerifyUsageError for a key problem. */
export async function verifyExportFile(path: string, keyPath: string): Promise<ExportVerification> {
  const pem = await readPublicKeyFile(keyPath);
  try {
    return await verifyExport(readLines(path), pem);
  } catch (error) {
    if (error instanceof VerifierKeyError) throw new VerifyUsageError(`${keyPath}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      return { ok: false, failure: { line: 0, reason: 'MALFORMED', message: `cannot read the export ${path}: ${(error as Error).message}` } };
    }
    throw error;
  }
}

export function formatSummary(summary: ExportSummary): string {
  const latest = summary.latestCheckpoint;
  return [
    `verified: the export of tenant ${summary.tenantId} (${summary.from === null ? 'from the start' : `after position ${summary.from}`}, ${summary.to === null ? 'to the head' : `to position ${summary.to}`})`,
    `  events:      ${summary.events} in ${summary.streams} streams, chains intact`,
    `  sealed:      ${summary.sealedEvents} (leaves ${summary.firstLeaf} to ${summary.treeSize - 1}), each at its sealed position with its sealed hash`,
    `  unsealed:    ${summary.unsealedEvents} at the end (not in the tree yet; their chains are checked)`,
    `  checkpoints: ${summary.checkpoints} signatures and their consistency verified; ${summary.checkpointRootsRecomputed} roots recomputed from the events`,
    `  latest:      ${latest === null ? 'none' : `tree size ${latest.treeSize}, root ${latest.rootHash}, position ${latest.position}, signed ${latest.time}`}`,
  ].join('\n');
}

export function formatFailure(failure: ExportFailure): string {
  const names = [
    failure.eventId === undefined ? undefined : `event ${failure.eventId}`,
    failure.streamId === undefined ? undefined : `stream ${failure.streamId}`,
    failure.revision === undefined ? undefined : `revision ${failure.revision}`,
    failure.leafIndex === undefined ? undefined : `leaf ${failure.leafIndex}`,
    failure.treeSize === undefined ? undefined : `tree size ${failure.treeSize}`,
  ].filter((name): name is string => name !== undefined);
  return [`FAILED ${failure.reason}${names.length === 0 ? '' : `: ${names.join(', ')}`}`, `  ${failure.message}`].join('\n');
}

export interface VerifyIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Prints a result (as text, or as one JSON object) and returns the exit status. */
export function reportVerification(result: ExportVerification, io: VerifyIo, json: boolean): number {
  if (json) {
    io.out(JSON.stringify(result, null, 2));
  } else if (result.ok) {
    io.out(formatSummary(result.summary));
  } else {
    io.out(formatFailure(result.failure));
  }
  return result.ok ? VERIFY_OK : VERIFY_FAILED;
}

const USAGE = 'usage: node verify-ledger-export.mjs FILE --public-key KEY.pem [--json]';

/**
 * The standalone verifier's command line: `FILE --public-key KEY.pem [--json]`. Returns the exit status; never
 * throws for the export's or the arguments' faults.
 */
export async function runStandaloneVerifier(argv: readonly string[], io: VerifyIo): Promise<number> {
  let file: string | undefined;
  let key: string | undefined;
  let json = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (argument === '--help' || argument === '-h') {
      io.out(`${USAGE}\nVerifies a billing-ledger export offline (docs/audit-export.md). Exit status 0 verified, 1 failed, 2 usage.`);
      return VERIFY_OK;
    }
    if (argument === '--json') json = true;
    else if (argument === '--public-key') key = argv[(index += 1)];
    else if (argument.startsWith('--public-key=')) key = argument.slice('--public-key='.length);
    else if (argument.startsWith('-') || file !== undefined) return usage(io, `unexpected argument ${argument}`);
    else file = argument;
  }
  if (file === undefined) return usage(io, 'the export FILE is missing');
  if (key === undefined || key === '') return usage(io, '--public-key KEY.pem is missing');
  try {
    return reportVerification(await verifyExportFile(file, key), io, json);
  } catch (error) {
    if (error instanceof VerifyUsageError) return usage(io, error.message);
    io.err(`error: ${(error as Error).message}`);
    return VERIFY_FAILED;
  }
}

function usage(io: VerifyIo, message: string): number {
  io.err(`error: ${message}\n${USAGE}`);
  return VERIFY_USAGE;
}
