import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { ConfigError, readLedgerConfig } from '../../../runtime/src/index.js';

describe('the audit checkpoint configuration (LEDGER_AUDIT_*)', () => {
  it('defaults to a generated key file and an hourly schedule', () => {
    const config = readLedgerConfig({});
    expect(config.auditSigningKeyFile).toBeUndefined();
    expect(config.auditCheckpointIntervalSeconds).toBe(3_600);
  });

  it('takes a key file (resolved to an absolute path) and an interval, 0 switching the schedule off', () => {
    const config = readLedgerConfig({ LEDGER_AUDIT_SIGNING_KEY_FILE: 'keys/audit.pem', LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0' });
    expect(config.auditSigningKeyFile).toBe(resolve('keys/audit.pem'));
    expect(config.auditCheckpointIntervalSeconds).toBe(0);
    expect(readLedgerConfig({ LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS: '300' }).auditCheckpointIntervalSeconds).toBe(300);
  });

  it.each(['-1', '1.5', 'hourly', '99999999999'])('refuses the interval %p', (value) => {
    expect(() => readLedgerConfig({ LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS: value })).toThrow(ConfigError);
    expect(() => readLedgerConfig({ LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS: value })).toThrow(/LEDGER_AUDIT_CHECKPOINT_INTERVAL_SECONDS must be an integer/);
  });
});
