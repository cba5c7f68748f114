import type { SignedCheckpoint } from '../checkpoint.js';
import {
  EXPORT_FORMAT,
  isPositionText,
  type ExportEventLine,
  type ExportJsonObject,
  type ExportLine,
} from './export-format.js';

/** A line of an export that is not what the format says (bad JSON, unknown kind, a field of the wrong type). */
export class ExportFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExportFormatError';
  }
}

const HEX_HASH = /^[0-9a-f]{64}$/;
const REVISION = /^(0|[1-9]\d{0,19})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

type Fields = Record<string, unknown>;

/**
 * Reads one line of an export (1-based `lineNumber` for the error). Checks the shape only (types, hex, cursors);
 * what the values prove is the verifier's business. Throws ExportFormatError.
 */
export function parseExportLine(text: string, lineNumber: number): ExportLine {
  const fail = (message: string): never => {
    throw new ExportFormatError(lineNumber, message);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(text.trim() === '' ? 'an empty line' : `not JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) return fail('not a JSON object');
  const fields = value;
  const field = new FieldReader(fields, fail);
  switch (fields.kind) {
    case 'header': {
      if (fields.format !== EXPORT_FORMAT) fail(`format must be ${EXPORT_FORMAT}, got ${JSON.stringify(fields.format)}`);
      return {
        kind: 'header',
        format: EXPORT_FORMAT,
        tenantId: field.text('tenantId'),
        from: field.positionOrNull('from'),
        to: field.positionOrNull('to'),
        exportedAt: field.instant('exportedAt'),
        startTreeSize: field.size('startTreeSize'),
      };
    }
    case 'checkpoint':
      return { kind: 'checkpoint', checkpoint: field.checkpoint('checkpoint') };
    case 'consistency':
      return { kind: 'consistency', fromSize: field.size('fromSize'), toSize: field.size('toSize'), proof: field.hashes('proof') };
    case 'frontier':
      return { kind: 'frontier', treeSize: field.size('treeSize'), hashes: field.hashes('hashes') };
    case 'anchor':
      return { kind: 'anchor', streamId: field.text('streamId'), revision: field.revision('revision'), hash: field.hash('hash') };
    case 'event':
      return parseEvent(field, fail);
    case 'end':
      return { kind: 'end', events: field.size('events') };
    default:
      return fail(`unknown kind ${JSON.stringify(fields.kind)}`);
  }
}

function parseEvent(field: FieldReader, fail: (message: string) => never): ExportEventLine {
  const missing = field.boolean('missing');
  const event: ExportEventLine = {
    kind: 'event',
    leafIndex: field.sizeOrNull('leafIndex'),
    position: field.positionOrNull('position'),
    recordedAt: field.instantOrNull('recordedAt'),
    eventId: field.text('eventId'),
    streamId: field.text('streamId'),
    revision: field.revision('revision'),
    type: field.textOrNull('type'),
    data: field.objectOrNull('data'),
    metadata: field.objectOrNull('metadata'),
    hash: field.hashOrNull('hash'),
    sealedHash: field.hashOrNull('sealedHash'),
    sealedPosition: field.positionOrNull('sealedPosition'),
    missing,
  };
  if (missing) {
    if (event.leafIndex === null || event.sealedHash === null || event.sealedPosition === null) fail('a missing event needs its leafIndex, sealedHash and sealedPosition');
  } else if (event.position === null || event.type === null || event.data === null || event.metadata === null) {
    fail('an event needs its position, type, data and metadata (or missing: true)');
  }
  if ((event.leafIndex === null) !== (event.sealedHash === null) || (event.leafIndex === null) !== (event.sealedPosition === null)) {
    fail('leafIndex, sealedHash and sealedPosition are all null (an unsealed event) or all set');
  }
  return event;
}

function isObject(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Typed access to a line's fields; each reader refuses a value of the wrong shape with the field's name. */
class FieldReader {
  constructor(
    private readonly fields: Fields,
    private readonly fail: (message: string) => never,
  ) {}

  private refuse(name: string, expected: string): never {
    return this.fail(`${name} must be ${expected}, got ${JSON.stringify(this.fields[name]) ?? 'nothing'}`);
  }

  text(name: string): string {
    const value = this.fields[name];
    return typeof value === 'string' && value.length > 0 ? value : this.refuse(name, 'a non-empty string');
  }

  textOrNull(name: string): string | null {
    return this.fields[name] === null ? null : this.text(name);
  }

  boolean(name: string): boolean {
    const value = this.fields[name];
    return typeof value === 'boolean' ? value : this.refuse(name, 'true or false');
  }

  size(name: string): number {
    const value = this.fields[name];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : this.refuse(name, 'a non-negative integer');
  }

  sizeOrNull(name: string): number | null {
    return this.fields[name] === null ? null : this.size(name);
  }

  revision(name: string): string {
    const value = this.fields[name];
    return typeof value === 'string' && REVISION.test(value) ? value : this.refuse(name, 'a revision as a decimal string');
  }

  positionOrNull(name: string): string | null {
    const value = this.fields[name];
    if (value === null) return null;
    return isPositionText(value) ? value : this.refuse(name, 'a position <commit>.<prepare> or null');
  }

  instant(name: string): string {
    const value = this.fields[name];
    return typeof value === 'string' && INSTANT.test(value) ? value : this.refuse(name, 'an ISO 8601 instant');
  }

  instantOrNull(name: string): string | null {
    return this.fields[name] === null ? null : this.instant(name);
  }

  hash(name: string): string {
    const value = this.fields[name];
    return typeof value === 'string' && HEX_HASH.test(value) ? value : this.refuse(name, '64 lowercase hex digits');
  }

  hashOrNull(name: string): string | null {
    return this.fields[name] === null ? null : this.hash(name);
  }

  hashes(name: string): string[] {
    const value = this.fields[name];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && HEX_HASH.test(item))) return this.refuse(name, 'a list of 64-digit lowercase hex hashes');
    return value as string[];
  }

  objectOrNull(name: string): ExportJsonObject | null {
    const value = this.fields[name];
    if (value === null) return null;
    return isObject(value) ? (value as ExportJsonObject) : this.refuse(name, 'a JSON object or null');
  }

  /** The signed checkpoint's shape only; its body is checked field by field when its signature is verified. */
  checkpoint(name: string): SignedCheckpoint {
    const value = this.fields[name];
    if (!isObject(value) || !isObject(value.body) || typeof value.keyId !== 'string' || typeof value.signature !== 'string') {
      return this.refuse(name, 'a signed checkpoint { body, keyId, signature }');
    }
    return value as unknown as SignedCheckpoint;
  }
}
