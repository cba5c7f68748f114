import { describe, expect, it } from '@jest/globals';
import { ConfigError, readLedgerConfig } from './ledger-config.js';
import { openEventStore } from './event-store-factory.js';

describe('readLedgerConfig', () => {
  it('has working defaults: port 4000, embedded PostgreSQL in .ledger/data, projections on', () => {
    const config = readLedgerConfig({});
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, eventStore: 'postgres', projections: 'on', apiKey: undefined, devTenantId: 'dev' });
    expect(config.dataDirectory).toMatch(/\.ledger\/data$/);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer from 0 to 65535, got "abc"/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ EVENT_STORE: 'mongo' }, /EVENT_STORE must be one of postgres, kurrentdb, got "mongo"/],
    [{ EVENT_STORE: 'kurrentdb' }, /EVENT_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING/],
    [{ PROJECTIONS: 'maybe' }, /PROJECTIONS must be one of on, off/],
    [{ LEDGER_API_KEY: 'short' }, /LEDGER_API_KEY must be at least 24 characters/],
  ])('refuses %j with a message saying what is accepted', (environment, message) => {
    expect(() => readLedgerConfig(environment)).toThrow(ConfigError);
    expect(() => readLedgerConfig(environment)).toThrow(message);
  });

  it('fails plainly at start when EVENT_STORE=kurrentdb points at no server', async () => {
    const config = readLedgerConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_CONNECTION_STRING: 'kurrentdb://127.0.0.1:1?tls=false' });
    await expect(openEventStore(config, 'unused')).rejects.toThrow(/EVENT_STORE=kurrentdb but KurrentDB at KURRENTDB_CONNECTION_STRING could not be read/);
  }, 30_000);
});
