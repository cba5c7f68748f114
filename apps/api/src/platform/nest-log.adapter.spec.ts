import { describe, expect, it } from '@jest/globals';
import { createLedgerLogger } from '../../../../libs/runtime/src/index.js';
import { NestLogAdapter } from './nest-log.adapter.js';

describe('NestLogAdapter', () => {
  it("puts Nest's messages on the ledger log: log is debug, warn and error keep their level, stack and context are fields", () => {
    const lines: string[] = [];
    const adapter = new NestLogAdapter(createLedgerLogger({ name: 'ledger-api', level: 'debug', format: 'json', destination: { write: (line: string) => void lines.push(line) } }));
    const error = new Error('handler failed');
    adapter.log('Mapped {/graphql, POST} route', 'RouterExplorer');
    adapter.warn('deprecated option', 'NestApplication');
    adapter.error('handler failed', error.stack, 'ExceptionsHandler');
    adapter.error(error);
    adapter.error('no stack here', 'SomeContext');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toMatchObject([
      { level: 'debug', msg: 'Mapped {/graphql, POST} route', context: 'RouterExplorer' },
      { level: 'warn', msg: 'deprecated option', context: 'NestApplication' },
      { level: 'error', msg: 'handler failed', context: 'ExceptionsHandler', stack: error.stack },
      { level: 'error', msg: 'handler failed', stack: error.stack },
      { level: 'error', msg: 'no stack here', context: 'SomeContext' },
    ]);
    expect(records[4]).not.toHaveProperty('stack');
  });
});
