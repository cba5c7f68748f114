import { runStandaloneVerifier } from './verify-file.js';

/**
 * The entry point of the standalone verifier (tools/verify-ledger-export.mjs, bundled from this folder by
 * tools/build-standalone-verifier.mjs): `node verify-ledger-export.mjs FILE --public-key KEY.pem [--json]`.
 */
process.exitCode = await runStandaloneVerifier(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
