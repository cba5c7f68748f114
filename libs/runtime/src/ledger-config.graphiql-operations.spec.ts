import { describe, expect, it } from '@jest/globals';
import { ConfigError, readLedgerConfig } from './ledger-config.js';

describe('readLedgerConfig: GraphiQL and the operations endpoints', () => {
  it('switches GraphiQL on outside production and off in production, unless LEDGER_GRAPHIQL says otherwise', () => {
    expect(readLedgerConfig({}).graphiql).toBe('on');
    expect(readLedgerConfig({ NODE_ENV: 'development' }).graphiql).toBe('on');
    expect(readLedgerConfig({ NODE_ENV: 'production' }).graphiql).toBe('off');
    expect(readLedgerConfig({ NODE_ENV: 'production', LEDGER_GRAPHIQL: 'on' }).graphiql).toBe('on');
    expect(readLedgerConfig({ LEDGER_GRAPHIQL: 'off' }).graphiql).toBe('off');
  });

  it('leaves the operations endpoints open and on the API port by default', () => {
    expect(readLedgerConfig({ HOST: '10.0.0.5' })).toMatchObject({ operationsToken: undefined, operationsPort: undefined, operationsHost: '10.0.0.5' });
  });

  it('takes a token, a port of their own and an interface for that port', () => {
    const config = readLedgerConfig({ LEDGER_OPERATIONS_TOKEN: 'prometheus-scrape-token-0123456789', LEDGER_OPERATIONS_PORT: '9464', LEDGER_OPERATIONS_HOST: '127.0.0.1' });
    expect(config).toMatchObject({ operationsToken: 'prometheus-scrape-token-0123456789', operationsPort: 9464, operationsHost: '127.0.0.1', port: 4000 });
  });

  it.each([
    [{ LEDGER_GRAPHIQL: 'yes' }, /LEDGER_GRAPHIQL must be one of on, off, got "yes"/],
    [{ LEDGER_OPERATIONS_TOKEN: 'short' }, /LEDGER_OPERATIONS_TOKEN must be 24 to 512 printable characters without spaces/],
    [{ LEDGER_OPERATIONS_TOKEN: 'a token with spaces in it, long enough' }, /LEDGER_OPERATIONS_TOKEN must be 24 to 512 printable characters/],
    [{ LEDGER_OPERATIONS_PORT: 'metrics' }, /LEDGER_OPERATIONS_PORT must be an integer from 0 to 65535, got "metrics"/],
    [{ LEDGER_OPERATIONS_PORT: '70000' }, /LEDGER_OPERATIONS_PORT must be an integer/],
    [{ PORT: '4000', LEDGER_OPERATIONS_PORT: '4000' }, /LEDGER_OPERATIONS_PORT must differ from PORT \(both are 4000\)/],
    [{ LEDGER_OPERATIONS_PORT: '4000' }, /LEDGER_OPERATIONS_PORT must differ from PORT/],
    [{ LEDGER_OPERATIONS_HOST: '127.0.0.1' }, /LEDGER_OPERATIONS_HOST needs LEDGER_OPERATIONS_PORT/],
  ])('refuses %j with a message saying what is accepted', (environment, message) => {
    expect(() => readLedgerConfig(environment)).toThrow(ConfigError);
    expect(() => readLedgerConfig(environment)).toThrow(message);
  });
});
