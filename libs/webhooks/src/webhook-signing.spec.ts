import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { isSigningSecret, signatureHeaderValue, signWebhook } from './webhook-signing.js';
import { webhookRequestHeaders, WEBHOOK_USER_AGENT, type WebhookHeaderInput } from './webhook-headers.js';

const secretOf = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signing, checked by the official verifier', () => {
  const secret = secretOf(32);
  const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2026-03-02T09:00:00.000Z', data: { invoiceId: 'inv-1', total: '100.00' } });

  const headersFor = (timestampSeconds: number, signingSecret = secret, content = body) => ({
    'webhook-id': 'msg-1',
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook({ messageId: 'msg-1', timestampSeconds, body: content }, signingSecret),
  });

  it('the verifier accepts our signature and returns the payload', () => {
    expect(new Webhook(secret).verify(body, headersFor(now()))).toEqual(JSON.parse(body));
  });

  it('a tampered body is rejected', () => {
    expect(() => new Webhook(secret).verify(body.replace('100.00', '1000.00'), headersFor(now()))).toThrow('No matching signature found');
  });

  it('a timestamp older than the 5-minute tolerance is rejected', () => {
    expect(() => new Webhook(secret).verify(body, headersFor(now() - 6 * 60))).toThrow('Message timestamp too old');
  });

  it('a signature by another secret is rejected', () => {
    expect(() => new Webhook(secretOf(32)).verify(body, headersFor(now()))).toThrow('No matching signature found');
  });

  it('agrees with the reference implementation on any id, timestamp, body and key length (24 to 64 bytes)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 4_102_444_800 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 24, max: 64 }), (id, timestampSeconds, content, bytes) => {
        const key = secretOf(bytes);
        expect(signWebhook({ messageId: id, timestampSeconds, body: content }, key)).toBe(new Webhook(key).sign(id, new Date(timestampSeconds * 1000), content));
      }),
    );
  });

  it('two signatures in one header: a receiver knowing either key accepts', () => {
    const previous = secretOf(32);
    const timestampSeconds = now();
    const value = signatureHeaderValue({ messageId: 'msg-1', timestampSeconds, body }, [secret, previous]);
    expect(value.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'msg-1', 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': value };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secretOf(32)).verify(body, headers)).toThrow('No matching signature found');
  });

  it.each([
    ['a whsec_ key of 32 bytes', secretOf(32), true],
    ['the shortest key (24 bytes)', secretOf(24), true],
    ['the longest key (64 bytes)', secretOf(64), true],
    ['a key of 23 bytes', secretOf(23), false],
    ['a key of 65 bytes', secretOf(65), false],
    ['no prefix', randomBytes(32).toString('base64'), false],
    ['not base64 after the prefix', 'whsec_not*base64*at*all*here*padding=', false],
    ['an empty key', 'whsec_', false],
    ['a bearer token', 'tok_0123456789abcdefghij', false],
  ])('isSigningSecret: %s -> %s', (_case, value, expected) => {
    expect(isSigningSecret(value)).toBe(expected);
  });

  it('refuses to sign with a secret that is not a whsec_ key, without repeating it', () => {
    expect(() => signWebhook({ messageId: 'm', timestampSeconds: 1, body: '' }, 'tok_secret_value_123')).toThrow(/^not a whsec_ signing secret$/);
  });
});

describe('request headers per auth type', () => {
  const signing = secretOf(32);
  const base: WebhookHeaderInput = { messageId: 'msg-7', timestampSeconds: 1_767_000_000, body: '{"type":"invoice.paid"}', authType: 'signature', secret: signing, previousSecret: null };

  it('always sends the Standard Webhooks id and timestamp, JSON and our User-Agent', () => {
    expect(webhookRequestHeaders({ ...base, authType: 'none', secret: null })).toEqual({
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': 'msg-7',
      'webhook-timestamp': '1767000000',
    });
  });

  it.each([
    ['signature', { authType: 'signature', secret: signing }, {}],
    ['bearer_token', { authType: 'bearer_token', secret: 'tok_abcdefghijklmnop' }, { authorization: 'Bearer tok_abcdefghijklmnop' }],
    ['basic_auth', { authType: 'basic_auth', secret: 'hooks:p@ss:word' }, { authorization: `Basic ${Buffer.from('hooks:p@ss:word').toString('base64')}` }],
    ['api_key', { authType: 'api_key', secret: 'key_0123456789abcdef' }, { 'x-api-key': 'key_0123456789abcdef' }],
    ['none', { authType: 'none', secret: null }, {}],
  ] as const)('%s sends its own header and nothing of the others', (_case, auth, expected) => {
    const headers = webhookRequestHeaders({ ...base, ...auth });
    const authHeaders = Object.fromEntries(Object.entries(headers).filter(([name]) => name === 'authorization' || name === 'x-api-key'));
    expect(authHeaders).toEqual(expected);
  });

  it('signs whenever the secret is a whsec_ key, and only then', () => {
    expect(webhookRequestHeaders(base)['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(webhookRequestHeaders({ ...base, authType: 'bearer_token', secret: signing })['webhook-signature']).toMatch(/^v1,/);
    expect(webhookRequestHeaders({ ...base, authType: 'bearer_token', secret: 'tok_abcdefghijklmnop' })['webhook-signature']).toBeUndefined();
    expect(webhookRequestHeaders({ ...base, authType: 'signature', secret: null })['webhook-signature']).toBeUndefined();
  });

  it('during a rotation sends both signatures, the current key first', () => {
    const previous = secretOf(32);
    const value = webhookRequestHeaders({ ...base, previousSecret: previous })['webhook-signature'] as string;
    const content = { messageId: base.messageId, timestampSeconds: base.timestampSeconds, body: base.body };
    expect(value).toBe(`${signWebhook(content, signing)} ${signWebhook(content, previous)}`);
  });

  it('a previous secret that is not a whsec_ key adds no signature', () => {
    expect((webhookRequestHeaders({ ...base, previousSecret: 'tok_old_token_value' })['webhook-signature'] as string).split(' ')).toHaveLength(1);
  });
});
