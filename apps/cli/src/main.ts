import { runLedgerCli } from './ledger-cli.js';

/** `npm run ledger -- <command>` (or `node dist/apps/cli/src/main.js <command>`): see `--help`. */
process.exitCode = await runLedgerCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  errIsTerminal: process.stderr.isTTY === true,
});
