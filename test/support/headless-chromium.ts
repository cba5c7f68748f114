import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * A real headless Chromium for browser tests: Debian's `chromium` package (never a browser downloaded by
 * Playwright), driven by playwright-core, with a fresh profile per launch. No Chromium is a failure that says how to
 * get one, not a skipped test.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumExecutable(): string {
  const chosen = process.env.LEDGER_CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`LEDGER_CHROMIUM_PATH=${chosen} does not exist`);
    return chosen;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `The browser tests need Chromium and none was found (looked for ${CANDIDATES.join(', ')}). Install Debian's package as root: ` +
        '`apt-get update && apt-get install -y chromium` (.ci/run does this), or set LEDGER_CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return found;
}

export interface HeadlessBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<HeadlessBrowser> {
  const executablePath = chromiumExecutable();
  const profile = mkdtempSync(join(tmpdir(), 'ledger-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium at ${executablePath} did not start: ${(error as Error).message}`, { cause: error });
  }
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
