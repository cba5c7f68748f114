import { describe, expect, it } from '@jest/globals';
import { ConfigError, readLedgerConfig } from './ledger-config.js';

describe('readLedgerConfig: GraphQL request limits and introspection', () => {
  it('has documented defaults', () => {
    expect(readLedgerConfig({}).graphqlLimits).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxDirectives: 20,
      maxTokens: 1_000,
      maxCost: 10_000,
      maxFields: 250,
      maxDocumentBytes: 32_768,
      webSocketMaxMessageBytes: 102_400,
      maxSubscriptionsPerConnection: 10,
      maxSubscriptionsPerKey: 50,
    });
  });

  it('reads every limit from its variable', () => {
    const limits = readLedgerConfig({
      LEDGER_MAX_QUERY_DEPTH: '8',
      LEDGER_MAX_QUERY_ALIASES: '5',
      LEDGER_MAX_QUERY_DIRECTIVES: '0',
      LEDGER_MAX_QUERY_TOKENS: '500',
      LEDGER_MAX_QUERY_COST: '2000',
      LEDGER_MAX_QUERY_FIELDS: '100',
      LEDGER_MAX_DOCUMENT_BYTES: '4096',
      LEDGER_WS_MAX_MESSAGE_BYTES: '8192',
      LEDGER_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
      LEDGER_WS_MAX_SUBSCRIPTIONS_PER_KEY: '7',
    }).graphqlLimits;
    expect(limits).toEqual({
      maxDepth: 8,
      maxAliases: 5,
      maxDirectives: 0,
      maxTokens: 500,
      maxCost: 2_000,
      maxFields: 100,
      maxDocumentBytes: 4_096,
      webSocketMaxMessageBytes: 8_192,
      maxSubscriptionsPerConnection: 3,
      maxSubscriptionsPerKey: 7,
    });
  });

  it.each([
    [{ LEDGER_MAX_QUERY_DEPTH: '0' }, /LEDGER_MAX_QUERY_DEPTH must be an integer from 1 to 100, got "0"/],
    [{ LEDGER_MAX_QUERY_ALIASES: 'many' }, /LEDGER_MAX_QUERY_ALIASES must be an integer from 0 to 1000/],
    [{ LEDGER_MAX_QUERY_TOKENS: '99' }, /LEDGER_MAX_QUERY_TOKENS must be an integer from 100 to 100000/],
    [{ LEDGER_MAX_QUERY_COST: '-1' }, /LEDGER_MAX_QUERY_COST must be an integer/],
    [{ LEDGER_MAX_QUERY_FIELDS: '1.5' }, /LEDGER_MAX_QUERY_FIELDS must be an integer/],
    [{ LEDGER_MAX_DOCUMENT_BYTES: '100' }, /LEDGER_MAX_DOCUMENT_BYTES must be an integer from 1024 to 1048576/],
    [{ LEDGER_WS_MAX_MESSAGE_BYTES: '99999999' }, /LEDGER_WS_MAX_MESSAGE_BYTES must be an integer from 1024 to 16777216/],
    [{ LEDGER_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '0' }, /LEDGER_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION must be an integer from 1/],
    [{ LEDGER_WS_MAX_SUBSCRIPTIONS_PER_KEY: '' + 10 ** 6 }, /LEDGER_WS_MAX_SUBSCRIPTIONS_PER_KEY must be an integer from 1 to 100000/],
    [{ LEDGER_INTROSPECTION: 'yes' }, /LEDGER_INTROSPECTION must be one of on, off, got "yes"/],
  ])('refuses %j with a message saying what is accepted', (environment, message) => {
    expect(() => readLedgerConfig(environment)).toThrow(ConfigError);
    expect(() => readLedgerConfig(environment)).toThrow(message);
  });

  it('turns introspection off by default when NODE_ENV=production; LEDGER_INTROSPECTION decides either way', () => {
    expect(readLedgerConfig({}).introspection).toBe(true);
    expect(readLedgerConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(readLedgerConfig({ NODE_ENV: 'production', LEDGER_INTROSPECTION: 'on' }).introspection).toBe(true);
    expect(readLedgerConfig({ LEDGER_INTROSPECTION: 'off' }).introspection).toBe(false);
  });
});
