// Bundles GraphiQL (React, the Monaco editors and their web workers, the styles and fonts) with esbuild into
// dist/graphiql/assets/, which the API serves itself: the page loads nothing from a CDN, so it works where the
// deployment has no internet. Called by scripts/build.mjs. The bundle takes a few seconds, so it is skipped while
// none of the files that went into it (recorded from esbuild's metafile) has changed. A new bundle is written
// beside the old one and swapped in with renames, so a server or a build running at the same time never sees a
// half-written directory.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDirectory = join(root, 'apps', 'api', 'src', 'graphiql', 'browser');
const bundleDirectory = join(root, 'dist', 'graphiql');
const assetsDirectory = join(bundleDirectory, 'assets');
const stampFile = join(assetsDirectory, 'bundle.json');
const requireFromRoot = createRequire(join(root, 'package.json'));
const requireFromGraphiQLReact = createRequire(requireFromRoot.resolve('@graphiql/react/package.json'));

/** Monaco's workers, named as the page's MonacoEnvironment asks for them (see browser/monaco-workers.js). */
const workers = {
  'editor.worker': requireFromGraphiQLReact.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
  'json.worker': requireFromGraphiQLReact.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
  'graphql.worker': requireFromGraphiQLReact.resolve('monaco-graphql/esm/graphql.worker.js'),
};

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'iife',
  target: ['es2022'],
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
};

async function fingerprint(file) {
  const info = await stat(file);
  return `${info.size}:${Math.trunc(info.mtimeMs)}`;
}

async function scriptHash() {
  return createHash('sha256').update(await readFile(fileURLToPath(import.meta.url))).digest('hex');
}

async function upToDate() {
  try {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8'));
    if (stamp.script !== (await scriptHash())) return false;
    const present = new Set(await readdir(assetsDirectory));
    if (!stamp.files.every((file) => present.has(file))) return false;
    for (const [file, recorded] of Object.entries(stamp.inputs)) {
      if ((await fingerprint(join(root, file)).catch(() => 'missing')) !== recorded) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export async function buildGraphiQL({ force = false } = {}) {
  if (!force && (await upToDate())) return { built: false };
  const { build } = await import('esbuild');
  const staging = join(bundleDirectory, `.assets-${process.pid}-${Date.now()}`);
  await mkdir(staging, { recursive: true });
  try {
    const page = await build({
      ...common,
      outdir: staging,
      entryPoints: { graphiql: join(sourceDirectory, 'graphiql-app.js') },
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
      assetNames: '[name]-[hash]',
    });
    const monacoWorkers = await build({ ...common, outdir: staging, entryPoints: workers });
    const inputs = {};
    for (const input of [...Object.keys(page.metafile.inputs), ...Object.keys(monacoWorkers.metafile.inputs)]) {
      const file = relative(root, resolve(root, input));
      inputs[file] ??= await fingerprint(join(root, file));
    }
    const files = (await readdir(staging)).sort();
    await writeFile(join(staging, 'bundle.json'), `${JSON.stringify({ script: await scriptHash(), files, inputs }, null, 1)}\n`);
    // Swap: the old directory out of the way, the new one in, then the old one deleted.
    const old = join(bundleDirectory, `.old-${process.pid}-${Date.now()}`);
    await rename(assetsDirectory, old).catch((error) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, assetsDirectory);
    await rm(old, { recursive: true, force: true });
    return { built: true, files: files.map((file) => relative(root, join(assetsDirectory, file))) };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await buildGraphiQL({ force: process.argv.includes('--force') });
  console.log(result.built ? `GraphiQL bundled: ${result.files.join(', ')}` : 'GraphiQL bundle up to date');
}
