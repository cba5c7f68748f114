import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * What a PDF draws, as pdfjs reads it (the same library as test/support/pdf-text.ts): the text of each page, the
 * images each page paints (image XObjects, from the operator list) and every fill colour it sets. Tests of the
 * documents check branding with it: showLogo decides whether an image is painted, colorScheme which colours fill.
 */
export interface PdfInspection {
  readonly pageCount: number;
  /** Each page's text items joined with newlines, page by page. */
  readonly pages: readonly string[];
  /** All pages' text, as test/support/pdf-text.ts gives it. */
  readonly text: string;
  /** Images painted per page. */
  readonly imagesPerPage: readonly number[];
  /** Every fill colour set, as lower-case "#rrggbb". */
  readonly fillColors: ReadonlySet<string>;
  /** The document information's creation date, as written. */
  readonly creationDate: string | null;
}

const IMAGE_OPERATORS = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat]);

export async function inspectPdf(bytes: Uint8Array): Promise<PdfInspection> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    const imagesPerPage: number[] = [];
    const fillColors = new Set<string>();
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber += 1) {
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
      const operators = await page.getOperatorList();
      let images = 0;
      operators.fnArray.forEach((operator, index) => {
        if (IMAGE_OPERATORS.has(operator)) images += 1;
        if (operator === OPS.setFillRGBColor) fillColors.add(colorOf(operators.argsArray[index] as ArrayLike<unknown>));
      });
      imagesPerPage.push(images);
    }
    const metadata = (await pdf.getMetadata()).info as { CreationDate?: string };
    return { pageCount: pdf.numPages, pages, text: pages.join('\n'), imagesPerPage, fillColors, creationDate: metadata.CreationDate ?? null };
  } finally {
    await pdf.destroy();
  }
}

/** pdfjs passes the colour as a "#rrggbb" string or as three 0-255 channels (a Uint8ClampedArray). */
function colorOf(args: ArrayLike<unknown>): string {
  const first = args[0];
  if (typeof first === 'string') return first.toLowerCase();
  const channels = Array.from((typeof first === 'number' ? args : first) as ArrayLike<number>);
  return `#${channels.map((value) => Math.round(value).toString(16).padStart(2, '0')).join('')}`;
}

/** Whether a "#rrggbb" colour is a grey (r = g = b). */
export function isGrey(color: string): boolean {
  return color.slice(1, 3) === color.slice(3, 5) && color.slice(3, 5) === color.slice(5, 7);
}
