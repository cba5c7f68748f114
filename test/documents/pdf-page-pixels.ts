import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HeadlessBrowser } from '../support/headless-chromium.js';

/**
 * Page 1 of a PDF drawn by pdfjs inside headless Chromium, onto a canvas, and its pixels read back: what a person
 * opening the document in a browser would see. Nothing is fetched from the network: the page, pdfjs, its worker and
 * its standard fonts are served from node_modules by request interception on a made-up origin.
 */
export interface PagePixels {
  /** The canvas size in pixels (the page at `scale` pixels per PDF point). */
  readonly width: number;
  readonly height: number;
  /** Pixels that are not (near) white on the whole page. */
  readonly inked: number;
  /** Pixels that are not (near) white inside the box asked for (in PDF points from the top left). */
  readonly inkedInBox: number;
  /** The pixels of the box asked for that are not near white, by colour ("#rrggbb"), most frequent first (top 5). */
  readonly boxColors: readonly { color: string; count: number }[];
  /** The page as a PNG data URL, for a person to look at when a test fails. */
  readonly pngDataUrl: string;
}

export interface PointBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const ORIGIN = 'http://documents.test';
const require = createRequire(import.meta.url);
const PDFJS_ROOT = dirname(require.resolve('pdfjs-dist/package.json'));

/** The few browser globals the page script uses (the project compiles without the DOM library). */
interface BrowserCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    fillStyle: string;
    fillRect(x: number, y: number, width: number, height: number): void;
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  } | null;
  toDataURL(type: string): string;
}
interface BrowserGlobals {
  location: { origin: string };
  document: { getElementById(id: string): BrowserCanvas | null };
  atob(text: string): string;
}

const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"></head><body><canvas id="page"></canvas></body></html>`;

export async function pagePixels(browser: HeadlessBrowser, pdf: Uint8Array, box: PointBox, scale = 2): Promise<PagePixels> {
  const page = await browser.newPage();
  try {
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE_HTML });
      if (path === '/pdf.mjs') return route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(join(PDFJS_ROOT, 'build/pdf.min.mjs')) });
      if (path === '/pdf.worker.mjs') return route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(join(PDFJS_ROOT, 'build/pdf.worker.min.mjs')) });
      const font = /^\/standard_fonts\/([A-Za-z0-9_-]+\.(?:pfb|ttf))$/.exec(path);
      if (font) return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(join(PDFJS_ROOT, 'standard_fonts', font[1] as string)) });
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${ORIGIN}/`);
    return await page.evaluate(
      async ({ base64, box, scale }) => {
        const dom = globalThis as unknown as BrowserGlobals;
        const { location } = dom;
        const pdfjs = (await import(`${location.origin}/pdf.mjs`)) as {
          GlobalWorkerOptions: { workerSrc: string };
          getDocument(options: object): { promise: Promise<{ getPage(n: number): Promise<{ getViewport(o: object): { width: number; height: number }; render(o: object): { promise: Promise<void> } }> }> };
        };
        pdfjs.GlobalWorkerOptions.workerSrc = `${location.origin}/pdf.worker.mjs`;
        const data = Uint8Array.from(dom.atob(base64), (character) => character.charCodeAt(0));
        const document = await pdfjs.getDocument({ data, standardFontDataUrl: `${location.origin}/standard_fonts/` }).promise;
        const first = await document.getPage(1);
        const viewport = first.getViewport({ scale });
        const canvas = dom.document.getElementById('page') as BrowserCanvas;
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        const context = canvas.getContext('2d');
        if (context === null) throw new Error('no 2d canvas');
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, canvas.width, canvas.height);
        await first.render({ canvasContext: context, viewport }).promise;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        const inkedAt = (index: number): boolean => (pixels[index] as number) < 235 || (pixels[index + 1] as number) < 235 || (pixels[index + 2] as number) < 235;
        let inked = 0;
        for (let index = 0; index < pixels.length; index += 4) if (inkedAt(index)) inked += 1;
        let inkedInBox = 0;
        const colors = new Map<string, number>();
        const [left, top] = [Math.floor(box.x * scale), Math.floor(box.y * scale)];
        const [right, bottom] = [Math.ceil((box.x + box.width) * scale), Math.ceil((box.y + box.height) * scale)];
        for (let y = top; y < bottom; y += 1) {
          for (let x = left; x < right; x += 1) {
            const index = (y * canvas.width + x) * 4;
            if (!inkedAt(index)) continue;
            inkedInBox += 1;
            const color = `#${[0, 1, 2].map((offset) => (pixels[index + offset] as number).toString(16).padStart(2, '0')).join('')}`;
            colors.set(color, (colors.get(color) ?? 0) + 1);
          }
        }
        const boxColors = [...colors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([color, count]) => ({ color, count }));
        return { width: canvas.width, height: canvas.height, inked, inkedInBox, boxColors, pngDataUrl: canvas.toDataURL('image/png') };
      },
      { base64: Buffer.from(pdf).toString('base64'), box, scale },
    );
  } finally {
    await page.close();
  }
}
