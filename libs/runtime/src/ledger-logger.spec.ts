import { describe, expect, it } from '@jest/globals';
import { runAnonymous, runAsSystem, runForTenant } from '../../database/src/database-scope.js';
import { ConfigError, readLedgerConfig } from './ledger-config.js';
import { createLedgerLogger, isLedgerLog, ledgerLogFrom, REDACTED, silentLog, type LedgerLoggerOptions, type LedgerLog } from './ledger-logger.js';

/** A logger writing into an array, as the processes write to stdout. */
function capture(options: Partial<LedgerLoggerOptions> = {}): { log: LedgerLog; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const log = createLedgerLogger({ name: 'ledger-test', format: 'json', ...options, destination: { write: (line: string) => void lines.push(line) } });
  return { log, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the ledger log', () => {
  it('writes one JSON object per line with level, time, service and message', () => {
    const { log, lines, records } = capture();
    log('plain message');
    log.warn('careful', { paymentId: 'p-1' });
    log.error('broken', { reference: 'r-1' });
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(records()).toMatchObject([
      { level: 'info', service: 'ledger-test', msg: 'plain message' },
      { level: 'warn', msg: 'careful', paymentId: 'p-1' },
      { level: 'error', msg: 'broken', reference: 'r-1' },
    ]);
    expect(Number.isNaN(Date.parse(String(records()[0]?.time)))).toBe(false);
  });

  it('a line logged inside a request carries its tenant, key id and correlation id, also after an await', async () => {
    const { log, records } = capture();
    await runForTenant({ tenantId: 'acme', keyId: 'key-7', keyName: 'finance bot', correlationId: 'corr-42' }, async () => {
      log('before the await');
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.error('after the await', { reference: 'r-9' });
    });
    log('outside any request');
    const [before, after, outside] = records();
    expect(before).toMatchObject({ level: 'info', tenantId: 'acme', keyId: 'key-7', correlationId: 'corr-42', msg: 'before the await' });
    expect(after).toMatchObject({ level: 'error', tenantId: 'acme', keyId: 'key-7', correlationId: 'corr-42', reference: 'r-9' });
    expect(outside).not.toHaveProperty('tenantId');
    expect(outside).not.toHaveProperty('keyId');
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('an anonymous request carries its correlation id only; a system scope names its process', () => {
    const { log, records } = capture();
    runAnonymous('corr-anon', () => log('no key'));
    runAsSystem('projection invoices', () => log('projecting'));
    expect(records()[0]).toMatchObject({ correlationId: 'corr-anon' });
    expect(records()[0]).not.toHaveProperty('tenantId');
    expect(records()[1]).toMatchObject({ system: 'projection invoices' });
  });

  it('redacts authorization headers, keys, secrets, passwords, tokens and connection strings', () => {
    const { log, lines, records } = capture();
    const secrets = {
      authorization: 'Bearer top-secret-1',
      apiKey: 'top-secret-2',
      key: 'top-secret-3',
      secret: 'top-secret-4',
      password: 'top-secret-5',
      token: 'top-secret-6',
      headers: { authorization: 'Bearer top-secret-7', 'x-api-key': 'top-secret-8', cookie: 'session=top-secret-9' },
      settings: { webhook: { secret: 'top-secret-10' }, gatewayToken: 'top-secret-11' },
      databaseUrl: 'postgres://ledger:top-secret-12@db/ledger',
    };
    log.warn('a request with secrets in it', secrets);
    expect(lines.join('')).not.toMatch(/top-secret/);
    expect(records()[0]).toMatchObject({
      authorization: REDACTED,
      apiKey: REDACTED,
      key: REDACTED,
      secret: REDACTED,
      password: REDACTED,
      token: REDACTED,
      headers: { authorization: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED },
      settings: { webhook: { secret: REDACTED }, gatewayToken: REDACTED },
      databaseUrl: REDACTED,
    });
    // The caller's object is left as it was.
    expect(secrets.headers.authorization).toBe('Bearer top-secret-7');
  });

  it('keeps lines below the level out', () => {
    const { log, records } = capture({ level: 'warn' });
    log('info is dropped');
    log.debug('debug is dropped');
    log.warn('warn is kept');
    expect(records().map((record) => record.msg)).toEqual(['warn is kept']);
  });

  it('is human-readable when asked, and by default on a terminal only', () => {
    for (const options of [{ format: 'pretty' as const }, { format: 'auto' as const, terminal: true }]) {
      const { log, lines } = capture(options);
      runForTenant({ tenantId: 'acme', keyId: 'key-7', correlationId: 'corr-42' }, () => log.warn('a readable line', { token: 'top-secret' }));
      const text = lines.join('');
      expect(text).toMatch(/WARN/);
      expect(text).toContain('a readable line');
      expect(text).toContain('acme');
      expect(text).not.toContain('top-secret');
      expect(() => JSON.parse(text)).toThrow();
    }
    const { log, records } = capture({ format: 'auto', terminal: false });
    log('a JSON line');
    expect(records()[0]).toMatchObject({ level: 'info', msg: 'a JSON line' });
  });

  it('from a plain function: each line as JSON; a LedgerLog as it is; nothing without one', () => {
    const lines: string[] = [];
    const log = ledgerLogFrom((line: string) => void lines.push(line), { name: 'ledger-api', level: 'info' });
    runForTenant({ tenantId: 'acme', correlationId: 'corr-1' }, () => log.error('internal error r-1', { reference: 'r-1', stack: 'Error: boom\n    at x' }));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'error', service: 'ledger-api', tenantId: 'acme', correlationId: 'corr-1', reference: 'r-1' });
    expect(isLedgerLog(log)).toBe(true);
    expect(ledgerLogFrom(log, { name: 'other' })).toBe(log);
    expect(ledgerLogFrom(undefined, { name: 'other' })).toBe(silentLog);
    expect(isLedgerLog((message: string) => message)).toBe(false);
  });
});

describe('LEDGER_LOG_LEVEL and LEDGER_LOG_FORMAT', () => {
  it('default to info and auto', () => {
    expect(readLedgerConfig({})).toMatchObject({ logLevel: 'info', logFormat: 'auto' });
    expect(readLedgerConfig({ LEDGER_LOG_LEVEL: 'debug', LEDGER_LOG_FORMAT: 'json' })).toMatchObject({ logLevel: 'debug', logFormat: 'json' });
  });

  it.each([
    [{ LEDGER_LOG_LEVEL: 'loud' }, /LEDGER_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"/],
    [{ LEDGER_LOG_FORMAT: 'xml' }, /LEDGER_LOG_FORMAT must be one of auto, json, pretty, got "xml"/],
  ])('refuse %j with what is accepted', (environment, message) => {
    expect(() => readLedgerConfig(environment)).toThrow(ConfigError);
    expect(() => readLedgerConfig(environment)).toThrow(message);
  });
});
