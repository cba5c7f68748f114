import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  canonicalLogoBase64,
  decodeCanonicalBase64,
  inspectLogoImage,
  logoInvalid,
  requireLogoContentType,
  type CompanyLogoContentType,
  type JpegImageInfo,
  type LogoImageInfo,
  type PngImageInfo,
} from '../../billing/src/index.js';

/**
 * A logo made ready to draw, without pdfkit ever parsing it: pdfkit's own PNG reader decodes some images
 * asynchronously and throws from a callback on a bad one (which would crash the process), and its JPEG reader trusts
 * the EXIF and segment lengths. So the bytes are checked by libs/billing's inspectLogoImage (structure, CRCs, size,
 * dimensions, nothing appended), a PNG is decoded here into 8-bit RGB plus an alpha plane (its zlib data must inflate
 * to exactly the size its header announces, and every row filter must be valid), and a JPEG is embedded as it is
 * (DCTDecode: the PDF reader decodes it). The renderer then writes the image XObjects itself.
 */
export type PreparedLogo =
  | {
      readonly kind: 'raster';
      readonly width: number;
      readonly height: number;
      /** 8-bit RGB, deflated (FlateDecode). */
      readonly rgb: Buffer;
      /** 8-bit alpha, deflated; null when every pixel is opaque. */
      readonly alpha: Buffer | null;
    }
  | {
      readonly kind: 'jpeg';
      readonly width: number;
      readonly height: number;
      readonly components: JpegImageInfo['components'];
      readonly adobe: boolean;
      readonly bytes: Buffer;
    };

/** Logos prepared recently, by content hash: a tenant prints many documents with one logo. */
const CACHED_LOGOS_MAX = 16;
/** A prepared logo larger than this (deflated) is not kept: the cache stays small whatever is uploaded. */
const CACHED_LOGO_BYTES_MAX = 4 * 1024 * 1024;
const cache = new Map<string, PreparedLogo>();

/**
 * The logo ready to draw, or LOGO_INVALID (a DomainError) when the bytes are not a complete, valid PNG or JPEG of
 * the declared type within the bounds of companyLogoLimits.
 */
export function prepareLogo(contentType: CompanyLogoContentType, bytes: Uint8Array): PreparedLogo {
  const key = `${contentType}:${createHash('sha256').update(bytes).digest('hex')}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const info: LogoImageInfo = inspectLogoImage(bytes, contentType);
  const prepared: PreparedLogo =
    info.format === 'png'
      ? rasterOf(info)
      : { kind: 'jpeg', width: info.width, height: info.height, components: info.components, adobe: info.adobe, bytes: Buffer.from(bytes) };
  const size = prepared.kind === 'raster' ? prepared.rgb.length + (prepared.alpha?.length ?? 0) : prepared.bytes.length;
  if (size <= CACHED_LOGO_BYTES_MAX) {
    if (cache.size >= CACHED_LOGOS_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, prepared);
  }
  return prepared;
}

/**
 * What an upload must pass before anything is stored: the checks of the decider (type, base64, structure) and the
 * full decode the renderer will do, so that a logo that was accepted always draws. LOGO_INVALID otherwise.
 */
export function requireDrawableLogo(contentType: unknown, contentBase64: unknown): PreparedLogo {
  const type = requireLogoContentType(contentType);
  return prepareLogo(type, decodeCanonicalBase64(canonicalLogoBase64(contentBase64)));
}

// ------------------------------------------------------------------------------------------------------- PNG decoding

const CHANNELS: Readonly<Record<PngImageInfo['colorType'], number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface Pass {
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  readonly columns: number;
  readonly rows: number;
  readonly rowBytes: number;
}

function rasterOf(info: PngImageInfo): PreparedLogo {
  const { width, height, bitDepth, colorType } = info;
  const channels = CHANNELS[colorType];
  const bitsPerPixel = channels * bitDepth;
  const passes: Pass[] = (info.interlaced ? ADAM7 : [[0, 0, 1, 1] as const])
    .map(([x0, y0, dx, dy]) => {
      const columns = Math.ceil((width - x0) / dx);
      const rows = Math.ceil((height - y0) / dy);
      return { x0, y0, dx, dy, columns: Math.max(columns, 0), rows: Math.max(rows, 0), rowBytes: Math.ceil((Math.max(columns, 0) * bitsPerPixel) / 8) };
    })
    .filter((pass) => pass.columns > 0 && pass.rows > 0);
  const expected = passes.reduce((sum, pass) => sum + pass.rows * (1 + pass.rowBytes), 0);
  let raw: Buffer;
  try {
    raw = inflateSync(info.imageData, { maxOutputLength: expected + 1 });
  } catch {
    throw logoInvalid('corrupt', 'has PNG image data that does not inflate (or inflates to more than its size)');
  }
  if (raw.length !== expected) throw logoInvalid('corrupt', `has PNG image data of ${raw.length} bytes where its header announces ${expected}`);

  const rgb = Buffer.alloc(width * height * 3);
  const alpha = Buffer.alloc(width * height, 0xff);
  const filterUnit = Math.max(1, Math.ceil(bitsPerPixel / 8));
  const samples = pixelReader(info);
  let offset = 0;
  for (const pass of passes) {
    let previous = Buffer.alloc(pass.rowBytes);
    for (let row = 0; row < pass.rows; row += 1) {
      const filter = raw[offset] as number;
      const line = Buffer.from(raw.subarray(offset + 1, offset + 1 + pass.rowBytes));
      unfilter(filter, line, previous, filterUnit);
      offset += 1 + pass.rowBytes;
      const y = pass.y0 + row * pass.dy;
      for (let column = 0; column < pass.columns; column += 1) {
        const index = y * width + pass.x0 + column * pass.dx;
        samples(line, column, rgb, alpha, index);
      }
      previous = line;
    }
  }
  const opaque = alpha.every((value) => value === 0xff);
  return { kind: 'raster', width, height, rgb: deflateSync(rgb), alpha: opaque ? null : deflateSync(alpha) };
}

function unfilter(filter: number, line: Buffer, previous: Buffer, unit: number): void {
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = unit; i < line.length; i += 1) line[i] = ((line[i] as number) + (line[i - unit] as number)) & 0xff;
      return;
    case 2:
      for (let i = 0; i < line.length; i += 1) line[i] = ((line[i] as number) + (previous[i] as number)) & 0xff;
      return;
    case 3:
      for (let i = 0; i < line.length; i += 1) {
        const left = i >= unit ? (line[i - unit] as number) : 0;
        line[i] = ((line[i] as number) + ((left + (previous[i] as number)) >> 1)) & 0xff;
      }
      return;
    case 4:
      for (let i = 0; i < line.length; i += 1) {
        const left = i >= unit ? (line[i - unit] as number) : 0;
        const upperLeft = i >= unit ? (previous[i - unit] as number) : 0;
        line[i] = ((line[i] as number) + paeth(left, previous[i] as number, upperLeft)) & 0xff;
      }
      return;
    default:
      throw logoInvalid('corrupt', `has a PNG row with an invalid filter type ${filter}`);
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

type SampleWriter = (line: Buffer, column: number, rgb: Buffer, alpha: Buffer, index: number) => void;

/** Writes one pixel of an unfiltered row as 8-bit RGB and alpha, for the image's colour type and bit depth. */
function pixelReader(info: PngImageInfo): SampleWriter {
  const { bitDepth, colorType, palette, transparency } = info;
  const channels = CHANNELS[colorType];
  /** The raw sample `channel` of pixel `column` (0 to 2^bitDepth - 1). */
  const sample = (line: Buffer, column: number, channel: number): number => {
    const position = column * channels + channel;
    if (bitDepth === 8) return line[position] as number;
    if (bitDepth === 16) return ((line[2 * position] as number) << 8) | (line[2 * position + 1] as number);
    const bit = position * bitDepth;
    return ((line[bit >> 3] as number) >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
  };
  const maxValue = 2 ** bitDepth - 1;
  const to8 = (value: number): number => (bitDepth === 16 ? value >> 8 : bitDepth === 8 ? value : Math.round((value * 255) / maxValue));
  const key = (offset: number): number => (((transparency?.[offset] ?? 0) << 8) | (transparency?.[offset + 1] ?? 0));
  switch (colorType) {
    case 0: {
      const transparentGrey = transparency === null ? -1 : key(0);
      return (line, column, rgb, alpha, index) => {
        const value = sample(line, column, 0);
        rgb.fill(to8(value), index * 3, index * 3 + 3);
        if (value === transparentGrey) alpha[index] = 0;
      };
    }
    case 2: {
      const transparentRgb = transparency === null ? null : [key(0), key(2), key(4)];
      return (line, column, rgb, alpha, index) => {
        const [r, g, b] = [sample(line, column, 0), sample(line, column, 1), sample(line, column, 2)];
        rgb[index * 3] = to8(r);
        rgb[index * 3 + 1] = to8(g);
        rgb[index * 3 + 2] = to8(b);
        if (transparentRgb !== null && r === transparentRgb[0] && g === transparentRgb[1] && b === transparentRgb[2]) alpha[index] = 0;
      };
    }
    case 3: {
      const colours = palette as Uint8Array;
      const entries = colours.length / 3;
      return (line, column, rgb, alpha, index) => {
        const entry = sample(line, column, 0);
        if (entry >= entries) throw logoInvalid('corrupt', `has a pixel naming palette entry ${entry} of ${entries}`);
        rgb[index * 3] = colours[entry * 3] as number;
        rgb[index * 3 + 1] = colours[entry * 3 + 1] as number;
        rgb[index * 3 + 2] = colours[entry * 3 + 2] as number;
        alpha[index] = transparency?.[entry] ?? 0xff;
      };
    }
    case 4:
      return (line, column, rgb, alpha, index) => {
        rgb.fill(to8(sample(line, column, 0)), index * 3, index * 3 + 3);
        alpha[index] = to8(sample(line, column, 1));
      };
    case 6:
      return (line, column, rgb, alpha, index) => {
        rgb[index * 3] = to8(sample(line, column, 0));
        rgb[index * 3 + 1] = to8(sample(line, column, 1));
        rgb[index * 3 + 2] = to8(sample(line, column, 2));
        alpha[index] = to8(sample(line, column, 3));
      };
  }
}
