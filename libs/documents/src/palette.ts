import type { DocumentColorScheme } from './document-model.js';

/** The colours a document is drawn with: every fill and stroke comes from here, so the scheme decides them all. */
export interface DocumentPalette {
  readonly text: string;
  readonly muted: string;
  /** The title, section headings, the grand total and the rule under the header. */
  readonly accent: string;
  readonly tableHeaderFill: string;
  readonly tableHeaderText: string;
  readonly rule: string;
  readonly watermark: string;
}

const BRAND_COLOR = /^#[0-9A-Fa-f]{6}$/;

/** Neutral: dark grey-blue text and headings, light grey table headers. */
const DEFAULT_PALETTE: DocumentPalette = {
  text: '#111827',
  muted: '#4B5563',
  accent: '#1E3A5F',
  tableHeaderFill: '#E5E7EB',
  tableHeaderText: '#111827',
  rule: '#D1D5DB',
  watermark: '#9CA3AF',
};

/** Black and greys only (r = g = b everywhere): prints the same on any printer. */
const MONOCHROME_PALETTE: DocumentPalette = {
  text: '#000000',
  muted: '#404040',
  accent: '#000000',
  tableHeaderFill: '#D9D9D9',
  tableHeaderText: '#000000',
  rule: '#808080',
  watermark: '#A6A6A6',
};

/**
 * invoice.colorScheme applied: 'default' and 'monochrome' are fixed palettes; 'brand' draws the title, headings,
 * table headers and the grand total in company.brandColor (with black or white text on it, whichever reads better)
 * and the rules in a tint of it. A brand colour that is not "#RRGGBB" gives the default palette.
 */
export function paletteOf(scheme: DocumentColorScheme, brandColor: string): DocumentPalette {
  if (scheme === 'monochrome') return MONOCHROME_PALETTE;
  if (scheme === 'default' || !BRAND_COLOR.test(brandColor)) return DEFAULT_PALETTE;
  const brand = brandColor.toUpperCase();
  return {
    ...DEFAULT_PALETTE,
    accent: brand,
    tableHeaderFill: brand,
    tableHeaderText: luminance(brand) > 0.55 ? '#111827' : '#FFFFFF',
    rule: tint(brand, 0.6),
    watermark: tint(brand, 0.5),
  };
}

function channels(color: string): [number, number, number] {
  return [1, 3, 5].map((at) => Number.parseInt(color.slice(at, at + 2), 16)) as [number, number, number];
}

/** Relative luminance (0 black .. 1 white), as WCAG defines it. */
function luminance(color: string): number {
  const [r, g, b] = channels(color).map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The colour mixed with white: share 0 is the colour, 1 is white. */
function tint(color: string, share: number): string {
  return `#${channels(color)
    .map((value) => Math.round(value + (255 - value) * share).toString(16).toUpperCase().padStart(2, '0'))
    .join('')}`;
}
