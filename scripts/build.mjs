// Compiles the TypeScript sources to dist/ with swc (type checking is `npm run typecheck`).
// swc keeps decorator metadata, which NestJS dependency injection needs; tsx/esbuild would drop it.
import { readdir, mkdir, writeFile, readFile } from 'node:fs/promises';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';
import { buildGraphiQL } from './build-graphiql.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDirectories = ['apps', 'libs', 'projections', 'bench', 'test/support'];
const options = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
delete options.$schema;

async function* sourceFiles(directory) {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

let count = 0;
for (const directory of sourceDirectories) {
  for await (const file of sourceFiles(join(root, directory))) {
    const relativePath = relative(root, file);
    const outputPath = join(root, 'dist', relativePath.replace(/\.ts$/, '.js'));
    const output = await swc.transformFile(file, { ...options, swcrc: false, sourceMaps: true, sourceFileName: relative(dirname(outputPath), file) });
    await mkdir(dirname(outputPath), { recursive: true });
    await writeFile(outputPath, `${output.code}\n//# sourceMappingURL=${outputPath.split('/').pop()}.map\n`);
    if (output.map) await writeFile(`${outputPath}.map`, output.map);
    count += 1;
  }
}
await writeFile(join(root, 'dist', 'package.json'), '{ "type": "module" }\n');
// The GraphiQL page's browser bundle (esbuild; skipped when its inputs are unchanged).
const graphiql = await buildGraphiQL();
if (process.env.LEDGER_BUILD_VERBOSE) console.log(`built ${count} files into dist/${graphiql.built ? ', and the GraphiQL bundle' : ''}`);
