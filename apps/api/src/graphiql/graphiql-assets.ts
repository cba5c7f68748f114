import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where scripts/build-graphiql.mjs puts the GraphiQL bundle: dist/graphiql/assets. This file runs from
 * dist/apps/api/src/graphiql (npm start, the image) or from apps/api/src/graphiql (the tests, which build dist/
 * first), so the directory is found from either place.
 */
function assetsDirectory(): string {
  const base = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  return join(basename(base) === 'dist' ? base : join(base, 'dist'), 'graphiql', 'assets');
}

export const GRAPHIQL_ASSETS_DIRECTORY = assetsDirectory();

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface GraphiQLAssets {
  readonly directory: string;
  /** The files that may be served, by name (nothing else under the directory, and no path is ever joined from a request). */
  readonly files: ReadonlyMap<string, string>;
  /** Whether the bundle is there: graphiql.js, graphiql.css and the three Monaco workers. */
  readonly complete: boolean;
}

const REQUIRED = ['graphiql.js', 'graphiql.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js'];

export function loadGraphiQLAssets(directory: string = GRAPHIQL_ASSETS_DIRECTORY): GraphiQLAssets {
  const files = new Map<string, string>();
  if (existsSync(directory)) {
    for (const name of readdirSync(directory)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType && /^[A-Za-z0-9._-]+$/.test(name)) files.set(name, contentType);
    }
  }
  return { directory, files, complete: REQUIRED.every((name) => files.has(name)) };
}
