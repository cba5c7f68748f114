import type { SignedCheckpoint } from '../checkpoint.js';

/**
 * The ledger export (docs/audit-export.md): JSON Lines, UTF-8, one JSON object per line, in this order: a header,
 * every signed checkpoint of the tenant, a consistency proof between each consecutive pair, the frontier of the
 * tree before the first exported leaf (only when the export does not start at leaf 0), an anchor per stream that
 * does not start at revision 0, the events in global order, and an end line. Everything a verifier needs, so it
 * needs no database and no network.
 */
export const EXPORT_FORMAT = 'billing-ledger/export/v1';

/** A JSON value as the event store returns it (data and metadata are JSON objects). */
export type ExportJson = string | number | boolean | null | ExportJson[] | { [key: string]: ExportJson };
export type ExportJsonObject = { [key: string]: ExportJson };

export interface ExportHeaderLine {
  readonly kind: 'header';
  readonly format: typeof EXPORT_FORMAT;
  readonly tenantId: string;
  /** Exclusive lower bound (`<commit>.<prepare>`), null from the start of the log. */
  readonly from: string | null;
  /** Inclusive upper bound, null to the head of the log as the export saw it. */
  readonly to: string | null;
  readonly exportedAt: string;
  /** The leaf index of the first exported leaf: the number of the tenant's sealed events at or before `from`. */
  readonly startTreeSize: number;
}

export interface ExportCheckpointLine {
  readonly kind: 'checkpoint';
  readonly checkpoint: SignedCheckpoint;
}

export interface ExportConsistencyLine {
  readonly kind: 'consistency';
  readonly fromSize: number;
  readonly toSize: number;
  /** RFC 9162 PROOF(fromSize, D[toSize]), lowercase hex hashes. */
  readonly proof: readonly string[];
}

export interface ExportFrontierLine {
  readonly kind: 'frontier';
  readonly treeSize: number;
  /** The perfect-subtree roots that decompose leaves [0, treeSize), largest (leftmost) first, lowercase hex. */
  readonly hashes: readonly string[];
}

export interface ExportAnchorLine {
  readonly kind: 'anchor';
  readonly streamId: string;
  /** The revision of the stream's last event before the export (decimal string). */
  readonly revision: string;
  /** That event's stored chain hash, lowercase hex. */
  readonly hash: string;
}

/**
 * An event of the log joined with its sealed leaf. `missing` is a sealed leaf whose event row is gone (type, data,
 * metadata, hash, position and recordedAt are then null); `leafIndex` null is an event row that has no leaf (not
 * sealed yet, or written behind the log's back).
 */
export interface ExportEventLine {
  readonly kind: 'event';
  readonly leafIndex: number | null;
  readonly position: string | null;
  readonly recordedAt: string | null;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: string;
  readonly type: string | null;
  readonly data: ExportJsonObject | null;
  readonly metadata: ExportJsonObject | null;
  readonly hash: string | null;
  readonly sealedHash: string | null;
  readonly sealedPosition: string | null;
  readonly missing: boolean;
}

/** The last line: how many event lines came before it, so a file cut short at a line boundary is noticed. */
export interface ExportEndLine {
  readonly kind: 'end';
  readonly events: number;
}

export type ExportLine = ExportHeaderLine | ExportCheckpointLine | ExportConsistencyLine | ExportFrontierLine | ExportAnchorLine | ExportEventLine | ExportEndLine;
export type ExportLineKind = ExportLine['kind'];

/** The order in which the kinds of line appear; a line of an earlier kind after a later one is malformed. */
export const EXPORT_LINE_ORDER: readonly ExportLineKind[] = ['header', 'checkpoint', 'consistency', 'frontier', 'anchor', 'event', 'end'];

/** One line of the file, without its newline. */
export function exportLine(line: ExportLine): string {
  return JSON.stringify(line);
}

// Same grammar as libs/event-store encodePosition, repeated so the verifier stands alone.
const POSITION_PATTERN = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,19})$/;

export function isPositionText(value: unknown): value is string {
  return typeof value === 'string' && POSITION_PATTERN.test(value);
}

/** Compares two `<commit>.<prepare>` cursors in global order. */
export function comparePositionTexts(left: string, right: string): -1 | 0 | 1 {
  const [leftCommit, leftPrepare] = left.split('.').map(BigInt) as [bigint, bigint];
  const [rightCommit, rightPrepare] = right.split('.').map(BigInt) as [bigint, bigint];
  if (leftCommit !== rightCommit) return leftCommit < rightCommit ? -1 : 1;
  if (leftPrepare !== rightPrepare) return leftPrepare < rightPrepare ? -1 : 1;
  return 0;
}
