import type { Command } from 'commander';
import type { CliIo } from './cli-output.js';

/**
 * `ledger verify FILE --public-key KEY.pem`: checks an export offline (no database, no network) with the same code
 * as the standalone tools/verify-ledger-export.mjs (libs/audit/src/export). Prints the summary, or the first failure
 * naming the event, on stdout; exit status 0 verified, 1 failed, 2 a usage error (a key file that cannot be read or
 * is not an ed25519 public key included).
 */
const EXIT_USAGE = 2;

export function addVerifyCommand(program: Command, io: CliIo): void {
  program
    .command('verify')
    .description('verify an export offline: the checkpoint signatures and their consistency, every chain hash, seal and the Merkle roots (no database needed)')
    .argument('<file>', 'the export (JSON Lines, from `ledger export`)')
    .requiredOption('--public-key <pem>', 'the PEM file of the ledger\'s audit public key (GET /audit/public-key)')
    .addHelpText('after', '\nExample:\n  curl -s http://localhost:3000/audit/public-key > audit-key.pem\n  npm run ledger -- verify acme.jsonl --public-key audit-key.pem')
    .action(async (file: string, options: { publicKey: string }, command: Command) => {
      const { VerifyUsageError, reportVerification, verifyExportFile } = await import('../../../libs/audit/src/export/verify-file.js');
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      let result;
      try {
        result = await verifyExportFile(file, options.publicKey);
      } catch (error) {
        if (error instanceof VerifyUsageError) command.error(`error: ${error.message}`, { exitCode: EXIT_USAGE, code: 'ledger.verify.key' });
        throw error;
      }
      if (reportVerification(result, io, json) !== 0 && !result.ok) {
        throw new Error(`the export does not verify: ${result.failure.reason} at line ${result.failure.line}${result.failure.eventId === undefined ? '' : ` (event ${result.failure.eventId})`}`);
      }
    });
}
