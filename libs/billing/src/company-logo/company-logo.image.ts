import { DomainError } from '../common/domain-error.js';

/**
 * The company logo's bytes, checked before anything stores or draws them (docs/documents.md, "The logo"). A logo
 * arrives from outside as base64 text and ends up inside every PDF the tenant prints, so it is held to the formats a
 * PDF can carry (PNG and JPEG), to its declared type, and to a strict reading of the file's structure: every PNG
 * chunk is bounded and its CRC checked, every JPEG segment is walked to the end-of-image marker, and nothing may
 * follow the image (a polyglot, e.g. a PNG with a ZIP or HTML appended, is refused). Pure: no Buffer, no zlib; the
 * pixels themselves are decoded by libs/documents, which refuses what does not inflate to exactly the declared size.
 */

export const companyLogoContentTypes = ['image/png', 'image/jpeg'] as const;
export type CompanyLogoContentType = (typeof companyLogoContentTypes)[number];

/** A limit on everything that grows (Conventions 12). */
export const companyLogoLimits = {
  /** Decoded bytes: a logo drawn a few centimetres wide needs far less; 64 KB keeps every PDF, email and
   * logo event small, and its base64 fits in one API request (the HTTP body limit is 100 KB). */
  byteLengthMax: 65_536,
  /** Pixels per side, so that decoding one never needs more than 4000 x 4000 pixels of memory. */
  dimensionMax: 4000,
  /** The base64 text of byteLengthMax bytes (4 characters per 3 bytes, padded). Longer text is refused before decoding. */
  base64LengthMax: 87_384,
  /** PNG chunks or JPEG segments walked: a file of thousands of empty chunks is refused, not walked. */
  partsMax: 4096,
} as const;

/**
 * Why a logo was refused: `details.reason` of the LOGO_INVALID error. Stable, so a client can tell "convert it to
 * PNG" (type_mismatch, unsupported_variant) from "make it smaller" (too_large, dimensions_out_of_range).
 */
export const logoRefusalReasons = [
  'unsupported_type',
  'bad_base64',
  'empty',
  'too_large',
  'type_mismatch',
  'truncated',
  'corrupt',
  'unsupported_variant',
  'dimensions_out_of_range',
  'trailing_data',
] as const;
export type LogoRefusalReason = (typeof logoRefusalReasons)[number];

export interface PngImageInfo {
  readonly format: 'png';
  readonly width: number;
  readonly height: number;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha. */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly interlaced: boolean;
  /** PLTE: RGB triples; null without one. */
  readonly palette: Uint8Array | null;
  /** tRNS as stored: a grey or RGB key (16-bit samples) or one alpha per palette entry; null without one. */
  readonly transparency: Uint8Array | null;
  /** The IDAT chunks' data, concatenated: one zlib stream. */
  readonly imageData: Uint8Array;
}

export interface JpegImageInfo {
  readonly format: 'jpeg';
  readonly width: number;
  readonly height: number;
  /** 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  readonly components: 1 | 3 | 4;
  readonly progressive: boolean;
  /** An Adobe APP14 segment: its CMYK is stored inverted (what Photoshop writes). */
  readonly adobe: boolean;
}

export type LogoImageInfo = PngImageInfo | JpegImageInfo;

/** The refusal: LOGO_INVALID naming the field and the reason. */
export function logoInvalid(reason: LogoRefusalReason, message: string, details: Record<string, unknown> = {}): DomainError {
  const field = reason === 'unsupported_type' ? 'contentType' : 'contentBase64';
  return new DomainError('LOGO_INVALID', `the logo ${message}`, { field, reason, ...details });
}

/** The content type as a supported one, or LOGO_INVALID unsupported_type. */
export function requireLogoContentType(value: unknown): CompanyLogoContentType {
  if (typeof value === 'string' && (companyLogoContentTypes as readonly string[]).includes(value)) return value as CompanyLogoContentType;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : typeof value;
  throw logoInvalid('unsupported_type', `content type must be ${companyLogoContentTypes.join(' or ')} (got ${shown})`);
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES: readonly number[] = Array.from({ length: 128 }, (_, code) => BASE64_ALPHABET.indexOf(String.fromCharCode(code)));
const WHITESPACE = /[ \t\r\n]/g;

/**
 * The base64 text without its line breaks and spaces (what MIME encoders insert), checked to be canonical standard
 * base64: the alphabet A-Z a-z 0-9 + /, padded with '=' to a multiple of 4, and no stray bits in the last character.
 * So one image has one text, and "the same logo again" is a text comparison. Refused before decoding when longer
 * than the base64 of companyLogoLimits.byteLengthMax bytes.
 */
export function canonicalLogoBase64(value: unknown): string {
  if (typeof value !== 'string') throw logoInvalid('bad_base64', `content must be base64 text (got ${typeof value})`);
  if (value.length > companyLogoLimits.base64LengthMax * 2) throw tooLarge(value.length);
  const text = value.replace(WHITESPACE, '');
  if (text.length === 0) throw logoInvalid('empty', 'is empty');
  if (text.length > companyLogoLimits.base64LengthMax) throw tooLarge(text.length);
  if (text.startsWith('data:')) throw logoInvalid('bad_base64', 'must be the base64 of the file itself, not a data: URL');
  if (text.length % 4 !== 0) throw logoInvalid('bad_base64', `base64 length must be a multiple of 4 (got ${text.length} characters)`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  for (let index = 0; index < text.length - padding; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128 || (BASE64_VALUES[code] ?? -1) < 0) {
      throw logoInvalid('bad_base64', `is not standard base64: character ${index + 1} is ${describeCharacter(code)} (allowed: A-Z a-z 0-9 + / and = at the end)`);
    }
  }
  if (padding > 0) {
    const last = BASE64_VALUES[text.charCodeAt(text.length - padding - 1)] ?? 0;
    const unusedBits = padding === 2 ? last & 0x0f : last & 0x03;
    if (unusedBits !== 0) throw logoInvalid('bad_base64', 'is not canonical base64: the last character before the padding carries stray bits');
  }
  return text;
}

/** Decodes canonical base64 (see canonicalLogoBase64) to its bytes. */
export function decodeCanonicalBase64(text: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let written = 0;
  for (let index = 0; index < text.length; index += 4) {
    const quad = [0, 1, 2, 3].map((offset) => {
      const code = text.charCodeAt(index + offset);
      return code === 61 ? 0 : (BASE64_VALUES[code] ?? 0);
    }) as [number, number, number, number];
    const triple = (quad[0] << 18) | (quad[1] << 12) | (quad[2] << 6) | quad[3];
    for (const shift of [16, 8, 0]) {
      if (written < bytes.length) bytes[written++] = (triple >> shift) & 0xff;
    }
  }
  return bytes;
}

/**
 * What the logo is, or LOGO_INVALID: the bytes must be a complete, well-formed image of the declared type, at most
 * companyLogoLimits.byteLengthMax bytes and companyLogoLimits.dimensionMax pixels per side, with nothing after it.
 */
export function inspectLogoImage(bytes: Uint8Array, contentType: CompanyLogoContentType): LogoImageInfo {
  if (bytes.length === 0) throw logoInvalid('empty', 'is empty');
  if (bytes.length > companyLogoLimits.byteLengthMax) throw tooLarge(bytes.length, true);
  const looksLike = startsWith(bytes, PNG_SIGNATURE) ? 'image/png' : startsWith(bytes, [0xff, 0xd8, 0xff]) ? 'image/jpeg' : null;
  if (looksLike !== contentType) {
    const what = looksLike === null ? `neither a PNG nor a JPEG file (it starts with ${hexOf(bytes.subarray(0, 8))})` : `a ${looksLike === 'image/png' ? 'PNG' : 'JPEG'} file`;
    throw logoInvalid('type_mismatch', `was declared ${contentType} but its bytes are ${what}`, { declared: contentType, detected: looksLike });
  }
  return contentType === 'image/png' ? inspectPng(bytes) : inspectJpeg(bytes);
}

// ---------------------------------------------------------------------------------------------------------------- PNG

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The bit depths each colour type allows (PNG specification, 11.2.2). */
const PNG_BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function inspectPng(bytes: Uint8Array): PngImageInfo {
  let offset = PNG_SIGNATURE.length;
  let chunks = 0;
  let header: Pick<PngImageInfo, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlaced'> | null = null;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const imageData: Uint8Array[] = [];
  let imageDataEnded = false;
  let ended = false;
  while (!ended) {
    chunks += 1;
    if (chunks > companyLogoLimits.partsMax) throw logoInvalid('corrupt', `has more than ${companyLogoLimits.partsMax} PNG chunks`);
    if (offset + 12 > bytes.length) throw logoInvalid('truncated', offset === bytes.length ? 'ends before its IEND chunk' : 'ends inside a PNG chunk header');
    const length = readUint32(bytes, offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw logoInvalid('corrupt', `has a PNG chunk with an invalid type at byte ${offset + 4}`);
    if (length > 0x7fffffff) throw logoInvalid('corrupt', `has a ${type} chunk with an invalid length`);
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) throw logoInvalid('truncated', `ends inside its ${type} chunk`);
    if (crc32(bytes, offset + 4, dataEnd) !== readUint32(bytes, dataEnd)) throw logoInvalid('corrupt', `has a ${type} chunk whose CRC does not match`);
    const data = bytes.subarray(dataStart, dataEnd);
    if (chunks === 1 && type !== 'IHDR') throw logoInvalid('corrupt', 'does not start with an IHDR chunk');
    if (type !== 'IDAT' && imageData.length > 0) imageDataEnded = true;
    switch (type) {
      case 'IHDR':
        if (chunks !== 1) throw logoInvalid('corrupt', 'has a second IHDR chunk');
        header = pngHeader(data);
        break;
      case 'PLTE':
        palette = pngPalette(data, header, palette, imageData.length > 0);
        break;
      case 'tRNS':
        transparency = pngTransparency(data, header, palette, transparency, imageData.length > 0);
        break;
      case 'IDAT':
        if (imageDataEnded) throw logoInvalid('corrupt', 'has IDAT chunks that are not consecutive');
        imageData.push(data);
        break;
      case 'IEND':
        if (length !== 0) throw logoInvalid('corrupt', 'has an IEND chunk with data');
        ended = true;
        break;
      default:
        // Ancillary chunks (text, colour profiles, timestamps) are skipped: they are never drawn. An unknown critical
        // chunk (upper-case first letter) changes how the image decodes, so it cannot be skipped.
        if (((bytes[offset + 4] ?? 0) & 0x20) === 0) throw logoInvalid('unsupported_variant', `has an unknown critical PNG chunk ${type}`);
    }
    offset = dataEnd + 4;
  }
  if (offset !== bytes.length) throw logoInvalid('trailing_data', `has ${bytes.length - offset} bytes after the end of the PNG image`, { trailingBytes: bytes.length - offset });
  if (header === null) throw logoInvalid('corrupt', 'has no IHDR chunk');
  if (imageData.length === 0) throw logoInvalid('corrupt', 'has no image data (IDAT)');
  if (header.colorType === 3 && palette === null) throw logoInvalid('corrupt', 'is a palette image without a palette (PLTE)');
  const joined = new Uint8Array(imageData.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of imageData) {
    joined.set(part, at);
    at += part.length;
  }
  return { format: 'png', ...header, palette, transparency, imageData: joined };
}

function pngHeader(data: Uint8Array): Pick<PngImageInfo, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlaced'> {
  if (data.length !== 13) throw logoInvalid('corrupt', 'has an IHDR chunk of the wrong length');
  const width = readUint32(data, 0);
  const height = readUint32(data, 4);
  const [bitDepth, colorType, compression, filter, interlace] = [data[8], data[9], data[10], data[11], data[12]] as [number, number, number, number, number];
  requireDimensions(width, height);
  const depths = PNG_BIT_DEPTHS[colorType];
  if (depths === undefined) throw logoInvalid('corrupt', `has an invalid PNG colour type ${colorType}`);
  if (!depths.includes(bitDepth)) throw logoInvalid('corrupt', `has an invalid bit depth ${bitDepth} for PNG colour type ${colorType}`);
  if (compression !== 0 || filter !== 0) throw logoInvalid('unsupported_variant', 'uses an unknown PNG compression or filter method');
  if (interlace > 1) throw logoInvalid('corrupt', `has an invalid PNG interlace method ${interlace}`);
  return { width, height, bitDepth: bitDepth as PngImageInfo['bitDepth'], colorType: colorType as PngImageInfo['colorType'], interlaced: interlace === 1 };
}

function pngPalette(data: Uint8Array, header: Pick<PngImageInfo, 'colorType' | 'bitDepth'> | null, previous: Uint8Array | null, afterImageData: boolean): Uint8Array {
  if (header === null || previous !== null || afterImageData) throw logoInvalid('corrupt', 'has a PLTE chunk out of place');
  if (header.colorType === 0 || header.colorType === 4) throw logoInvalid('corrupt', 'is a grey image with a palette');
  const entries = data.length / 3;
  if (!Number.isInteger(entries) || entries < 1 || entries > 256) throw logoInvalid('corrupt', 'has a PLTE chunk of an invalid length');
  if (header.colorType === 3 && entries > 2 ** header.bitDepth) throw logoInvalid('corrupt', `has ${entries} palette entries, more than its bit depth can index`);
  return data;
}

function pngTransparency(
  data: Uint8Array,
  header: Pick<PngImageInfo, 'colorType'> | null,
  palette: Uint8Array | null,
  previous: Uint8Array | null,
  afterImageData: boolean,
): Uint8Array {
  if (header === null || previous !== null || afterImageData) throw logoInvalid('corrupt', 'has a tRNS chunk out of place');
  const valid =
    header.colorType === 0 ? data.length === 2 : header.colorType === 2 ? data.length === 6 : header.colorType === 3 ? palette !== null && data.length <= palette.length / 3 : false;
  if (!valid) throw logoInvalid('corrupt', `has a tRNS chunk that does not fit PNG colour type ${header.colorType}`);
  return data;
}

// --------------------------------------------------------------------------------------------------------------- JPEG

/** Start-of-frame markers this reader accepts: baseline, extended sequential and progressive, Huffman-coded. */
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
/** Lossless, hierarchical and arithmetic-coded frames: rare, and not every PDF reader draws them. */
const JPEG_UNSUPPORTED_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function inspectJpeg(bytes: Uint8Array): JpegImageInfo {
  let offset = 2;
  let parts = 0;
  let frame: Pick<JpegImageInfo, 'width' | 'height' | 'components' | 'progressive'> | null = null;
  let scanned = false;
  let adobe = false;
  for (;;) {
    parts += 1;
    if (parts > companyLogoLimits.partsMax) throw logoInvalid('corrupt', `has more than ${companyLogoLimits.partsMax} JPEG segments`);
    if (offset >= bytes.length) throw logoInvalid('truncated', 'ends before its end-of-image marker (EOI)');
    if (bytes[offset] !== 0xff) throw logoInvalid('corrupt', `has no JPEG marker where one must be (byte ${offset})`);
    while (offset < bytes.length && bytes[offset] === 0xff) offset += 1; // fill bytes before a marker
    if (offset >= bytes.length) throw logoInvalid('truncated', 'ends inside a JPEG marker');
    const marker = bytes[offset] as number;
    offset += 1;
    if (marker === 0xd9) {
      if (frame === null || !scanned) throw logoInvalid('corrupt', 'has no image data before its end-of-image marker');
      if (offset !== bytes.length) throw logoInvalid('trailing_data', `has ${bytes.length - offset} bytes after the end of the JPEG image`, { trailingBytes: bytes.length - offset });
      return { format: 'jpeg', ...frame, adobe };
    }
    if (marker === 0x00 || marker === 0xd8) throw logoInvalid('corrupt', `has an unexpected JPEG marker 0xFF${hexByte(marker)}`);
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // markers without a segment
    if (offset + 2 > bytes.length) throw logoInvalid('truncated', 'ends inside a JPEG segment');
    const length = readUint16(bytes, offset);
    const end = offset + length;
    if (length < 2) throw logoInvalid('corrupt', `has a JPEG segment of length ${length}`);
    if (end > bytes.length) throw logoInvalid('truncated', `ends inside its JPEG segment 0xFF${hexByte(marker)}`);
    const body = bytes.subarray(offset + 2, end);
    if (JPEG_FRAMES.has(marker)) {
      if (frame !== null) throw logoInvalid('corrupt', 'has more than one JPEG frame');
      frame = jpegFrame(body, marker === 0xc2);
    } else if (JPEG_UNSUPPORTED_FRAMES.has(marker)) {
      throw logoInvalid('unsupported_variant', 'is a lossless, hierarchical or arithmetic-coded JPEG: save it as a baseline or progressive JPEG, or as a PNG');
    } else if (marker === 0xda) {
      if (frame === null) throw logoInvalid('corrupt', 'has a JPEG scan before its frame header');
      const components = body[0] ?? 0;
      if (components < 1 || components > 4 || body.length !== 4 + 2 * components) throw logoInvalid('corrupt', 'has an invalid JPEG scan header');
      offset = endOfEntropyCodedData(bytes, end);
      scanned = true;
      continue;
    } else if (marker === 0xee && body.length >= 5 && String.fromCharCode(...body.subarray(0, 5)) === 'Adobe') {
      adobe = true;
    } else if (!(marker === 0xc4 || marker === 0xdb || marker === 0xdd || marker === 0xfe || (marker >= 0xe0 && marker <= 0xef))) {
      throw logoInvalid('unsupported_variant', `has a JPEG marker 0xFF${hexByte(marker)} this reader does not accept`);
    }
    offset = end;
  }
}

function jpegFrame(body: Uint8Array, progressive: boolean): Pick<JpegImageInfo, 'width' | 'height' | 'components' | 'progressive'> {
  if (body.length < 6) throw logoInvalid('corrupt', 'has a JPEG frame header that is too short');
  const precision = body[0] as number;
  const height = readUint16(body, 1);
  const width = readUint16(body, 3);
  const components = body[5] as number;
  if (precision !== 8) throw logoInvalid('unsupported_variant', `is a ${precision}-bit JPEG: only 8-bit JPEGs are accepted`);
  if (components !== 1 && components !== 3 && components !== 4) throw logoInvalid('unsupported_variant', `is a JPEG with ${components} colour components (1, 3 or 4 are accepted)`);
  if (body.length !== 6 + 3 * components) throw logoInvalid('corrupt', 'has a JPEG frame header of the wrong length');
  for (let index = 0; index < components; index += 1) {
    const sampling = body[7 + 3 * index] as number;
    const table = body[8 + 3 * index] as number;
    const [horizontal, vertical] = [sampling >> 4, sampling & 0x0f];
    if (horizontal < 1 || horizontal > 4 || vertical < 1 || vertical > 4 || table > 3) throw logoInvalid('corrupt', 'has an invalid JPEG component');
  }
  requireDimensions(width, height);
  return { width, height, components, progressive };
}

/** The offset of the marker that ends a scan's entropy-coded data: 0xFF followed by neither 0x00 (a stuffed byte) nor a restart marker. */
function endOfEntropyCodedData(bytes: Uint8Array, from: number): number {
  let at = from;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) {
      at += 1;
      continue;
    }
    const next = bytes[at + 1];
    if (next === undefined) break;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      at += 2;
      continue;
    }
    if (next === 0xff) {
      at += 1;
      continue;
    }
    return at;
  }
  throw logoInvalid('truncated', 'ends inside its JPEG image data');
}

// -------------------------------------------------------------------------------------------------------------- shared

function requireDimensions(width: number, height: number): void {
  const max = companyLogoLimits.dimensionMax;
  if (width < 1 || height < 1 || width > max || height > max) {
    throw logoInvalid('dimensions_out_of_range', `is ${width} x ${height} pixels: each side must be 1 to ${max} pixels`, { width, height, dimensionMax: max });
  }
}

function tooLarge(length: number, decoded = false): DomainError {
  const max = companyLogoLimits.byteLengthMax;
  const what = decoded ? `is ${length} bytes` : `is ${length} characters of base64, more than the ${companyLogoLimits.base64LengthMax} of ${max} bytes`;
  return logoInvalid('too_large', `${what}: at most ${max} bytes (64 KB) are accepted`, { byteLengthMax: max });
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((value, index) => bytes[index] === value);
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (((bytes[offset] ?? 0) << 24) | ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0)) >>> 0;
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

function hexByte(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}

function hexOf(bytes: Uint8Array): string {
  return [...bytes].map(hexByte).join(' ') || 'nothing';
}

function describeCharacter(code: number): string {
  return code >= 0x21 && code <= 0x7e ? `"${String.fromCharCode(code)}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

const CRC_TABLE: readonly number[] = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 (ISO 3309, what PNG uses) of bytes[from, to). */
export function crc32(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffffffff;
  for (let index = from; index < to; index += 1) crc = (CRC_TABLE[(crc ^ (bytes[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
