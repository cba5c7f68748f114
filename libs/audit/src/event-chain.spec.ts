import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { canonicalEvent, canonicalEventTemplate, chainHash, type ChainedEvent, eventHash, GENESIS_HASH, verifyChain, type CanonicalEventFields } from './event-chain.js';

const base: CanonicalEventFields = {
  eventId: 'evt-1',
  streamId: 'invoice-inv-1',
  revision: '0',
  type: 'InvoiceDrafted',
  data: {},
  metadata: {},
};

/** The canonical text of `base` with `data` replaced by a value whose canonical text is `dataText`. */
const withData = (dataText: string): string => `{"data":${dataText},"eventId":"evt-1","metadata":{},"revision":"0","streamId":"invoice-inv-1","type":"InvoiceDrafted"}`;

describe('canonicalEvent: RFC 8785 JCS of exactly six fields', () => {
  it('covers data, eventId, metadata, revision (a decimal string), streamId and type, in JCS key order, and nothing else', () => {
    const text = canonicalEvent({
      type: 'PaymentRecorded',
      metadata: { actor: { keyId: 'k1', role: 'operator' }, commandId: 'c1' },
      revision: '12',
      streamId: 'payment-p1',
      eventId: '0b5e…',
      data: { amount: '10.00', currency: 'EUR' },
      position: '5.5',
      hash: 'ignored',
    } as CanonicalEventFields);
    expect(text).toBe(
      '{"data":{"amount":"10.00","currency":"EUR"},"eventId":"0b5e…","metadata":{"actor":{"keyId":"k1","role":"operator"},"commandId":"c1"},' +
        '"revision":"12","streamId":"payment-p1","type":"PaymentRecorded"}',
    );
  });

  it('does not depend on the order in which keys were inserted', () => {
    const a = canonicalEvent({ ...base, data: { b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } } });
    const b = canonicalEvent({ ...base, data: { a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 } });
    expect(a).toBe(b);
    expect(a).toBe(withData('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}'));
  });

  it('RFC 8785 section 3.2.2: whitespace, numbers, literals and string escapes', () => {
    // The input text of the RFC's example, parsed as JSON as the event store would.
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalEvent({ ...base, data: input })).toBe(
      withData(String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`),
    );
  });

  it('RFC 8785 section 3.2.3: property names sorted by UTF-16 code units, non-ASCII written as is', () => {
    // The expected text is a JS literal: its \u escapes are the characters themselves, not JSON escapes.
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalEvent({ ...base, data: input })).toBe(
      withData(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
          '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      ),
    );
  });

  // RFC 8785 Appendix B: IEEE 754 binary64 values (as hex bits) and their JCS text.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('RFC 8785 Appendix B: binary64 %s is written %s', (bits, text) => {
    const value = Buffer.from(bits, 'hex').readDoubleBE(0);
    expect(canonicalEvent({ ...base, data: { n: value } })).toBe(withData(`{"n":${text}}`));
  });

  it.each([
    ['NaN', { n: Number.NaN }, 'NaN'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'Infinity'],
    ['a lone surrogate', { s: '\ud800' }, 'surrogate'],
  ])('refuses %s, which JCS cannot represent', (_description, data, message) => {
    expect(() => canonicalEvent({ ...base, data })).toThrow(message);
  });

  it.each([
    ['a negative revision', { revision: '-1' }],
    ['a revision with a leading zero', { revision: '01' }],
    ['a revision that is a number', { revision: 1 }],
    ['a revision beyond 64 bits', { revision: '18446744073709551616' }],
    ['an empty event id', { eventId: '' }],
    ['an empty stream id', { streamId: '' }],
    ['an empty type', { type: '' }],
    ['data that is an array', { data: [] }],
    ['metadata that is null', { metadata: null }],
  ])('refuses %s', (_description, change) => {
    expect(() => canonicalEvent({ ...base, ...change } as unknown as CanonicalEventFields)).toThrow();
  });

  it('accepts the largest 64-bit revision', () => {
    expect(canonicalEvent({ ...base, revision: '18446744073709551615' })).toContain('"revision":"18446744073709551615"');
  });
});

describe('canonicalEventTemplate: the canonical text with the revision left out', () => {
  it.each([
    ['plain fields', base],
    ['data and metadata that mention the mark', { ...base, data: { note: '"revision":"0","streamId":"x"', revision: '0' }, metadata: { revision: 7 } }],
    ['a stream and type holding quotes and the mark', { ...base, streamId: 't1:s"revision":"0","streamId":', type: 'A"B' }],
    ['unicode and numbers', { ...base, data: { name: 'Zoë €', amount: 1e21, small: 0.1, list: [3, 'x', null] } }],
  ])('head + revision + tail is canonicalEvent for %s', (_description, event) => {
    const template = canonicalEventTemplate(event);
    for (const revision of ['0', '9', '10', '18446744073709551615']) {
      expect(template.head + revision + template.tail).toBe(canonicalEvent({ ...event, revision }));
    }
  });
});

describe('chainHash', () => {
  it('is SHA-256 of 32 zero bytes and the UTF-8 canonical text for the first event of a stream', () => {
    const canonical = canonicalEvent({ ...base, data: { note: 'café €' } });
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(Buffer.from(canonical, 'utf8')).digest();
    expect(chainHash(null, canonical).equals(expected)).toBe(true);
    expect(chainHash(GENESIS_HASH, canonical).equals(expected)).toBe(true);
    expect(GENESIS_HASH.equals(Buffer.alloc(32))).toBe(true);
  });

  it('is SHA-256 of the previous hash and the canonical text after that', () => {
    const previous = createHash('sha256').update('previous').digest();
    const expected = createHash('sha256').update(Buffer.concat([previous, Buffer.from('{"x":1}', 'utf8')])).digest();
    expect(chainHash(previous, '{"x":1}').equals(expected)).toBe(true);
  });

  it('refuses a previous hash that is not 32 bytes', () => {
    expect(() => chainHash(Buffer.alloc(31), '{}')).toThrow('32 bytes');
  });
});

/** Builds a correctly chained log of `count` events interleaving streams a and b. */
function chainedLog(count: number): ChainedEvent[] {
  const heads = new Map<string, { revision: number; hash: Buffer | null }>();
  return Array.from({ length: count }, (_, index) => {
    const streamId = index % 3 === 2 ? 'stream-b' : 'stream-a';
    const head = heads.get(streamId) ?? { revision: -1, hash: null };
    const fields: CanonicalEventFields = {
      eventId: `evt-${index}`,
      streamId,
      revision: String(head.revision + 1),
      type: 'Thing',
      data: { index, amount: `${index}.00` },
      metadata: { commandId: `cmd-${index}` },
    };
    const hash = eventHash(head.hash, fields);
    heads.set(streamId, { revision: head.revision + 1, hash });
    return { ...fields, hash };
  });
}

describe('verifyChain', () => {
  it('accepts an untouched log of interleaved streams and returns each stream head', () => {
    const log = chainedLog(9);
    const result = verifyChain(log);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.heads.get('stream-a')).toEqual({ revision: '5', hash: log[7]?.hash });
    expect(result.heads.get('stream-b')).toEqual({ revision: '2', hash: log[8]?.hash });
  });

  it('accepts an empty log', () => {
    expect(verifyChain([])).toEqual({ ok: true, heads: new Map() });
  });

  it('continues a range from the anchors of the range before it', () => {
    const log = chainedLog(9);
    const first = verifyChain(log.slice(0, 4));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(verifyChain(log.slice(4), first.heads).ok).toBe(true);
    // Without the anchors the second range does not start at revision 0.
    expect(verifyChain(log.slice(4))).toMatchObject({ ok: false, index: 0, reason: 'REVISION_GAP' });
  });

  it('names a changed event (data, metadata, type or id) as a hash mismatch', () => {
    const changes: Partial<CanonicalEventFields>[] = [
      { data: { index: 4, amount: '4.01' } },
      { metadata: { commandId: 'forged' } },
      { type: 'OtherThing' },
      { eventId: 'evt-forged' },
    ];
    for (const change of changes) {
      const log = chainedLog(9);
      log[4] = { ...(log[4] as ChainedEvent), ...change };
      expect(verifyChain(log)).toMatchObject({ ok: false, index: 4, eventId: change.eventId ?? 'evt-4', reason: 'HASH_MISMATCH' });
    }
  });

  it('names a changed event even when its hash was recomputed, at the next event of its stream', () => {
    const log = chainedLog(9);
    const tampered: CanonicalEventFields = { ...(log[3] as ChainedEvent), data: { index: 3, amount: '999.00' } };
    log[3] = { ...tampered, hash: eventHash(log[1]?.hash ?? null, tampered) };
    expect(verifyChain(log)).toMatchObject({ ok: false, index: 4, eventId: 'evt-4', reason: 'HASH_MISMATCH' });
  });

  it('names the event after a deleted one', () => {
    const log = chainedLog(9);
    log.splice(3, 1);
    expect(verifyChain(log)).toMatchObject({ ok: false, index: 3, eventId: 'evt-4', reason: 'REVISION_GAP' });
  });

  it('names reordered events of one stream', () => {
    const log = chainedLog(9);
    [log[3], log[4]] = [log[4] as ChainedEvent, log[3] as ChainedEvent];
    expect(verifyChain(log)).toMatchObject({ ok: false, index: 3, eventId: 'evt-4', reason: 'REVISION_GAP' });
  });

  it('names an inserted event, even one given the next revision and a well-formed hash', () => {
    const log = chainedLog(9);
    const inserted: CanonicalEventFields = { eventId: 'evt-inserted', streamId: 'stream-a', revision: '3', type: 'Thing', data: {}, metadata: {} };
    log.splice(4, 0, { ...inserted, hash: eventHash(log[3]?.hash ?? null, inserted) });
    expect(verifyChain(log)).toMatchObject({ ok: false, index: 5, eventId: 'evt-4', reason: 'REVISION_GAP' });
  });

  it('names a stream that does not start at revision 0', () => {
    const log = chainedLog(9).slice(1);
    expect(verifyChain(log)).toMatchObject({ ok: false, index: 0, eventId: 'evt-1', reason: 'REVISION_GAP' });
  });

  it('names an event that cannot be canonicalised, and a hash of the wrong length', () => {
    const malformed = chainedLog(3);
    malformed[1] = { ...(malformed[1] as ChainedEvent), revision: 'one' };
    expect(verifyChain(malformed)).toMatchObject({ ok: false, index: 1, reason: 'MALFORMED_EVENT' });
    const shortHash = chainedLog(3);
    shortHash[2] = { ...(shortHash[2] as ChainedEvent), hash: (shortHash[2] as ChainedEvent).hash.subarray(0, 31) };
    expect(verifyChain(shortHash)).toMatchObject({ ok: false, index: 2, reason: 'HASH_MISMATCH' });
  });

  it('refuses an anchor whose hash is not 32 bytes', () => {
    expect(() => verifyChain([], new Map([['stream-a', { revision: '0', hash: Buffer.alloc(3) }]]))).toThrow('32-byte');
  });
});
