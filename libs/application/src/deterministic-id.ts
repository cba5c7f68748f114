import { createHash, randomUUID } from 'node:crypto';

const LEDGER_NAMESPACE = '6f3c1f52-8d0e-4b7a-9d4e-2b1b8a0c5e11';

/** RFC 4122 version 5 (SHA-1, name-based) UUID: the same name always gives the same id, so retries are safe. */
export function uuidV5(name: string, namespace: string = LEDGER_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function newId(): string {
  return randomUUID();
}
