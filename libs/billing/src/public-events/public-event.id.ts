/**
 * Ids of the public events after the first one of an internal event (docs/public-events.md, "Ids"): an RFC 4122
 * version 5 UUID (SHA-1, name-based) of `<eventId>:<public type>` in the public events' own namespace, so the same
 * internal event always gives the same ids, on every node, replay and retry. The domain does no I/O and imports no
 * crypto module, so SHA-1 is computed here; it names things, it protects nothing.
 */

/** The namespace of public event ids (a fixed, random UUID: names in it never meet the ledger's other derived ids). */
export const PUBLIC_EVENT_ID_NAMESPACE = '3b8f6f0e-4c1d-4e7a-9a55-0d2c7e61b9a4';

/** The id of the public event of type `type` that is not the first one of internal event `eventId`. */
export function derivedPublicEventId(eventId: string, type: string): string {
  return uuidV5Of(`${eventId}:${type}`, PUBLIC_EVENT_ID_NAMESPACE);
}

/** RFC 4122 version 5 UUID of `name` (UTF-8) in `namespace`. */
export function uuidV5Of(name: string, namespace: string): string {
  const namespaceHex = namespace.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(namespaceHex)) throw new Error(`uuidV5Of: ${JSON.stringify(namespace)} is not a UUID`);
  const namespaceBytes = Array.from({ length: 16 }, (_, index) => parseInt(namespaceHex.slice(index * 2, index * 2 + 2), 16));
  const hash = sha1([...namespaceBytes, ...utf8(name)]);
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash
    .slice(0, 16)
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** UTF-8 bytes of a string; a lone surrogate becomes U+FFFD, as TextEncoder does. */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const character of text) {
    let codePoint = character.codePointAt(0) as number;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint = 0xfffd;
    if (codePoint < 0x80) bytes.push(codePoint);
    else if (codePoint < 0x800) bytes.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
    else if (codePoint < 0x10000) bytes.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
    else bytes.push(0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 0x3f), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
  }
  return bytes;
}

/** SHA-1 (FIPS 180-4) of a byte array, as 20 bytes. */
function sha1(message: readonly number[]): number[] {
  const bitLength = message.length * 8;
  const padded = [...message, 0x80];
  while (padded.length % 64 !== 56) padded.push(0);
  // The length as a 64-bit big-endian integer; messages here are far below 2^32 bits.
  padded.push(0, 0, 0, 0, (bitLength >>> 24) & 0xff, (bitLength >>> 16) & 0xff, (bitLength >>> 8) & 0xff, bitLength & 0xff);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const words = new Array<number>(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let index = 0; index < 16; index += 1) {
      const at = block + index * 4;
      words[index] = (((padded[at] as number) << 24) | ((padded[at + 1] as number) << 16) | ((padded[at + 2] as number) << 8) | (padded[at + 3] as number)) >>> 0;
    }
    for (let index = 16; index < 80; index += 1) {
      words[index] = rotateLeft((words[index - 3] as number) ^ (words[index - 8] as number) ^ (words[index - 14] as number) ^ (words[index - 16] as number), 1);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let index = 0; index < 80; index += 1) {
      const [f, k] =
        index < 20 ? [(b & c) | (~b & d), 0x5a827999] : index < 40 ? [b ^ c ^ d, 0x6ed9eba1] : index < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
      const next = (rotateLeft(a, 5) + f + e + k + (words[index] as number)) >>> 0;
      e = d;
      d = c;
      c = rotateLeft(b, 30);
      b = a;
      a = next;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  return [h0, h1, h2, h3, h4].flatMap((word) => [(word >>> 24) & 0xff, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff]);
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
