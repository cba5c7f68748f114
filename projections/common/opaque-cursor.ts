/**
 * Keyset-pagination cursors shared by every read-model list: the sort key of the last row seen, as a JSON array of
 * strings in base64url, so clients treat it as an opaque token and hand it back unchanged.
 */

/** A malformed `after` argument is the caller's input error, not a crash. */
export class InvalidCursorError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(cursor: string) {
    super(`"${cursor.slice(0, 60)}" is not a cursor from this list: pass pageInfo.endCursor back unchanged`);
  }
}

/** `count` strings, as a tuple, so callers destructure the key without casts. */
type CursorParts<N extends number, Parts extends string[] = []> = Parts['length'] extends N ? Parts : CursorParts<N, [...Parts, string]>;

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * The parts of a cursor made by encodeCursor, when there are `count` strings and `accepts` agrees; otherwise
 * InvalidCursorError. `accepts` checks what each list needs of its key (a tag, an instant, a log position).
 */
export function decodeCursor<N extends 1 | 2 | 3>(cursor: string, count: N, accepts: (parts: CursorParts<N>) => boolean = () => true): CursorParts<N> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (isStrings(decoded, count) && accepts(decoded)) return decoded;
  throw new InvalidCursorError(cursor);
}

/** Date.parse accepts it: looser than the domain's isInstant, as the cursors made by these lists always were. */
function isStrings<N extends number>(value: unknown, count: N): value is CursorParts<N> {
  return Array.isArray(value) && value.length === count && value.every((part) => typeof part === 'string');
}

export function isParsableTime(value: string): boolean {
  return !Number.isNaN(Date.parse(value));
}

/** A commit or prepare position as the read models store it: a NUMERIC of up to twenty digits. */
export function isLogPosition(value: string): boolean {
  return /^\d{1,20}$/.test(value);
}

/** One page of a keyset-paginated list (a GraphQL connection); `endCursor` is the last edge's, to pass back as `after`. */
export interface Connection<Node> {
  readonly edges: { cursor: string; node: Node }[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The page from its edges; `hasNextPage` comes from fetching one row more than the page holds. */
export function connectionOf<Node>(edges: { cursor: string; node: Node }[], hasNextPage: boolean): Connection<Node> {
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
