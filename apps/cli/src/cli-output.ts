import type { ApiKeyRecord, TenantRecord } from '../../../libs/access/src/api-keys.service.js';

/** Where the CLI writes: results on `out`, errors and notes on `err`. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Progress notes (starting the embedded PostgreSQL) are shown only on a terminal. */
  readonly errIsTerminal: boolean;
}

/** `2026-12-06T10:00:00Z`: seconds are enough for an operator; `--json` keeps the milliseconds. */
export function instant(value: Date | null): string {
  return value === null ? '-' : value.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Left-aligned columns, two spaces apart, with a header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function tenantTable(tenants: readonly TenantRecord[]): string {
  return table(
    ['TENANT', 'NAME', 'ACTIVE KEYS', 'CREATED'],
    tenants.map((tenant) => [tenant.tenantId, tenant.name, String(tenant.activeKeys), instant(tenant.createdAt)]),
  );
}

/** Never a secret or a hash: a key record carries neither. */
export function keyTable(keys: readonly ApiKeyRecord[]): string {
  return table(
    ['ID', 'NAME', 'ROLE', 'STATUS', 'CREATED', 'EXPIRES', 'REVOKED'],
    keys.map((key) => [key.keyId, key.name, key.role, key.status, instant(key.createdAt), key.expiresAt ? instant(key.expiresAt) : 'never', instant(key.revokedAt)]),
  );
}

/** The one place a secret is printed: right after it was made (create, rotate). */
export function issuedKey(heading: string, key: ApiKeyRecord, secret: string): string {
  return [
    heading,
    `  id:      ${key.keyId}`,
    `  tenant:  ${key.tenantId}`,
    `  name:    ${key.name}`,
    `  role:    ${key.role}`,
    `  expires: ${key.expiresAt ? instant(key.expiresAt) : 'never'}`,
    `  secret:  ${secret}`,
    'The secret will not be shown again: store it now (only its hash is kept).',
  ].join('\n');
}
