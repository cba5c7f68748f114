import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository stands alone: every design reference resolves inside it. Sources, tests, configuration and Markdown
 * cite docs/architecture.md and docs/domain.md, never a document kept elsewhere (the old upper-case design files, a
 * numbered "house" rule, a sibling `shared` checkout, a file under the temp directory); and every relative link of
 * README.md and docs/*.md leads to a file that exists (and, for a Markdown target, to a heading it has).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = relative(root, fileURLToPath(import.meta.url)).split(sep).join('/');

/** Tracked files plus new ones not yet committed (ignored files excluded), that exist in the working tree. */
function repositoryFiles(): string[] {
  const output = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const files = new Set(output.toString('utf8').split('\0').filter((file) => file.length > 0));
  return [...files].filter((file) => existsSync(join(root, file)) && statSync(join(root, file)).isFile()).sort();
}

const scannedExtensions = new Set(['.ts', '.js', '.mjs', '.cjs', '.md', '.yml', '.yaml', '.json', '.sh', '.sql']);
const scannedNames = new Set(['Dockerfile', '.dockerignore', '.gitignore', '.swcrc', 'run']);
/** Generated or vendored: not written by hand, and large. */
const skipped = new Set(['package-lock.json']);

function isScanned(file: string): boolean {
  if (skipped.has(file) || file === self) return false;
  const name = file.slice(file.lastIndexOf('/') + 1);
  return scannedExtensions.has(extname(file)) || scannedNames.has(name);
}

/** Upper-case names of design documents that are not part of this repository (they are spelled apart on purpose). */
const outsideDocuments = ['ARCHITECTURE', 'DOMAIN', 'STYLE', 'STACK'].map((name) => `${name}.md`);
const outsideDocumentPattern = new RegExp(`\\b(?:${outsideDocuments.map((name) => name.replace('.', '\\.')).join('|')})\\b`);
const houseRulePattern = new RegExp(['house', 'rules?'].join('\\s+'), 'i');
const temporaryPathPattern = /(?<![\w.~/-])\/tmp(?![\w-])/;
const sharedPathPattern = /(?:\.\.\/)+shared(?:\/[\w.\-/]*)?/g;

/** A path into a sibling `shared` folder resolves when it names an existing file or folder (a `.js` import of a `.ts` too). */
function resolvesFrom(file: string, path: string): boolean {
  const target = normalize(join(root, dirname(file), path.replace(/\/$/, '')));
  if (!target.startsWith(root)) return false;
  return existsSync(target) || (target.endsWith('.js') && existsSync(`${target.slice(0, -3)}.ts`));
}

/** Every citation of something outside the repository in `text`, as `line: what`. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const at = `${file}:${index + 1}`;
    const document = outsideDocumentPattern.exec(line);
    if (document) found.push(`${at}: cites ${document[0]}`);
    const houseRule = houseRulePattern.exec(line);
    if (houseRule) found.push(`${at}: cites "${houseRule[0]}"`);
    const temporary = temporaryPathPattern.exec(line);
    if (temporary) found.push(`${at}: cites a path under /tmp`);
    for (const shared of line.matchAll(sharedPathPattern)) {
      if (!resolvesFrom(file, shared[0])) found.push(`${at}: cites ${shared[0]}, which is not in the repository`);
    }
  });
  return found;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The lines of a Markdown text outside fenced code blocks, with their line numbers. */
function proseLines(text: string): { line: string; number: number }[] {
  const lines: { line: string; number: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) lines.push({ line, number: index + 1 });
  });
  return lines;
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const base = anchorOf(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const inlineLinkPattern = /\[(?:[^\]]|\][^(])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const definitionPattern = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;

/** Every relative link of a Markdown file that leads nowhere, as `line: link`. */
function brokenLinks(file: string, markdown: string): string[] {
  const broken: string[] = [];
  for (const { line, number } of proseLines(markdown)) {
    const targets = [...line.replace(/`[^`]*`/g, '').matchAll(inlineLinkPattern)].map((match) => match[1] ?? '');
    const definition = definitionPattern.exec(line);
    if (definition?.[1]) targets.push(definition[1]);
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
      const [path = '', anchor] = target.split('#', 2);
      const destination = path === '' ? join(root, file) : normalize(join(root, dirname(file), decodeURIComponent(path)));
      const where = `${file}:${number}: ${target}`;
      if (!destination.startsWith(root) || !existsSync(destination)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor && destination.endsWith('.md') && !anchorsOf(readFileSync(destination, 'utf8')).has(anchor)) {
        broken.push(`${where} (no such heading)`);
      }
    }
  }
  return broken;
}

/** Top-level folders whose paths the documents name in backticks, e.g. `libs/billing/src/refund/refund.decide.ts`. */
const namedPathPattern = /`((?:apps|libs|projections|test|bench|scripts|docs)\/[\w.\-/]*)`/g;

/** Every repository path a Markdown file names in backticks (globs and placeholders aside) that does not exist. */
function missingNamedPaths(file: string, markdown: string): string[] {
  const missing: string[] = [];
  for (const { line, number } of proseLines(markdown)) {
    for (const match of line.matchAll(namedPathPattern)) {
      const path = match[1] ?? '';
      if (!existsSync(join(root, path))) missing.push(`${file}:${number}: ${path}`);
    }
  }
  return missing;
}

describe('references resolve inside the repository', () => {
  const files = repositoryFiles();
  const scanned = files.filter(isScanned);

  it('scans the sources, tests, configuration and Markdown', () => {
    for (const expected of ['README.md', 'docs/architecture.md', 'docs/domain.md', 'jest.config.js', 'eslint.config.js', '.dependency-cruiser.cjs', 'Dockerfile', 'docker-compose.yml']) {
      expect(scanned).toContain(expected);
    }
    expect(scanned.filter((file) => file.endsWith('.ts')).length).toBeGreaterThan(100);
  });

  it('no file cites a design document, a numbered rule, a sibling checkout or a temporary path from outside', () => {
    const found = scanned.flatMap((file) => outsideReferences(file, readFileSync(join(root, file), 'utf8')));
    expect(found).toEqual([]);
  });

  it('every relative link of README.md and docs/*.md leads to a file (and heading) that exists', () => {
    const markdown = files.filter((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file));
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/domain.md', 'docs/access-and-tenancy.md']));
    const broken = markdown.flatMap((file) => brokenLinks(file, readFileSync(join(root, file), 'utf8')));
    expect(broken).toEqual([]);
  });

  it('every repository path README.md and docs/*.md name in backticks exists', () => {
    const markdown = files.filter((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file));
    const missing = markdown.flatMap((file) => missingNamedPaths(file, readFileSync(join(root, file), 'utf8')));
    expect(missing).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const cited = (text: string) => outsideReferences('libs/billing/src/invoice/example.ts', text);
    expect(cited(`/** See ${outsideDocuments[1]} "Numbering". */`)).toHaveLength(1);
    expect(cited(`/** Pure (${['house', 'rule'].join(' ')} 1). */`)).toHaveLength(1);
    expect(cited(`/** see ../${'shared'}/notes/stack.txt */`)).toHaveLength(1);
    expect(cited(`/** as ${'/tmp'}/contracts.md says */`)).toHaveLength(1);
    expect(cited("import { fold } from '../common/decider.js';")).toEqual([]);
    expect(cited(`/** docs/domain.md, "Numbering"; a data directory such as /var${'/tmp'}/ledger-data */`)).toEqual([]);
    expect(brokenLinks('README.md', '[gone](docs/missing.md) [there](docs/domain.md#numbering) [nowhere](docs/domain.md#no-such-heading)')).toHaveLength(2);
    expect(brokenLinks('README.md', '```\n[in code](docs/missing.md)\n```\n[web](https://example.com) [self](#design)')).toEqual([]);
    expect(missingNamedPaths('docs/example.md', 'see `libs/billing/src/no-such-file.ts` and `libs/billing/src/`, `apps/api/src/*/commands`')).toHaveLength(1);
  });
});
