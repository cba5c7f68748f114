import { deflateSync } from 'node:zlib';
import { crc32 } from '../../billing/src/index.js';

/**
 * Images for tests, built here so that each test says what it draws: PNGs of any colour type, bit depth and size
 * (with their CRCs right, so that a test corrupting one part corrupts only that part), and one real JPEG.
 */

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha. Default 2. */
  readonly colorType?: 0 | 2 | 3 | 4 | 6;
  readonly bitDepth?: 1 | 2 | 4 | 8 | 16;
  readonly interlaced?: boolean;
  /** The colour of every pixel, as channel values at the bit depth (default: a mid red, or entry 0). */
  readonly pixel?: readonly number[];
  readonly palette?: readonly (readonly [number, number, number])[];
  readonly transparency?: readonly number[];
  /** Chunks inserted before IEND, e.g. a tEXt chunk. */
  readonly extraChunks?: readonly { type: string; data: Uint8Array }[];
  /** Raw (unfiltered) scanline data to compress instead of the computed one. */
  readonly rawImageData?: Uint8Array;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A complete PNG where every pixel has the same colour (rows with filter type 0). */
export function pngOf(spec: PngSpec): Buffer {
  const colorType = spec.colorType ?? 2;
  const bitDepth = spec.bitDepth ?? 8;
  const channels = CHANNELS[colorType];
  const maxValue = 2 ** bitDepth - 1;
  const pixel = spec.pixel ?? (colorType === 3 ? [0] : colorType === 0 ? [Math.round(maxValue / 2)] : colorType === 4 ? [Math.round(maxValue / 2), maxValue] : colorType === 2 ? [Math.round(maxValue * 0.8), 0, 0] : [Math.round(maxValue * 0.8), 0, 0, maxValue]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(spec.width, 0);
  header.writeUInt32BE(spec.height, 4);
  header[8] = bitDepth;
  header[9] = colorType;
  header[12] = spec.interlaced ? 1 : 0;
  const raw = spec.rawImageData ?? rawScanlines(spec.width, spec.height, channels, bitDepth, pixel, spec.interlaced ?? false);
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header)];
  if (colorType === 3 || spec.palette) parts.push(pngChunk('PLTE', Buffer.from((spec.palette ?? [[200, 30, 30]]).flat())));
  if (spec.transparency) parts.push(pngChunk('tRNS', Buffer.from(spec.transparency)));
  parts.push(pngChunk('IDAT', deflateSync(raw)));
  for (const extra of spec.extraChunks ?? []) parts.push(pngChunk(extra.type, extra.data));
  parts.push(pngChunk('IEND', new Uint8Array()));
  return Buffer.concat(parts);
}

function rawScanlines(width: number, height: number, channels: number, bitDepth: number, pixel: readonly number[], interlaced: boolean): Buffer {
  const passes = interlaced
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]];
  const rows: Buffer[] = [];
  for (const [x0, y0, dx, dy] of passes as [number, number, number, number][]) {
    const columns = Math.ceil((width - x0) / dx);
    const count = Math.ceil((height - y0) / dy);
    if (columns <= 0 || count <= 0) continue;
    for (let row = 0; row < count; row += 1) rows.push(Buffer.concat([Buffer.from([0]), scanline(columns, channels, bitDepth, pixel)]));
  }
  return Buffer.concat(rows);
}

function scanline(columns: number, channels: number, bitDepth: number, pixel: readonly number[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil((columns * channels * bitDepth) / 8));
  let bit = 0;
  for (let column = 0; column < columns; column += 1) {
    for (let channel = 0; channel < channels; channel += 1) {
      const value = pixel[channel] ?? 0;
      if (bitDepth === 16) {
        bytes.writeUInt16BE(value, bit / 8);
      } else if (bitDepth === 8) {
        bytes[bit / 8] = value;
      } else {
        bytes[bit >> 3] = (bytes[bit >> 3] as number) | (value << (8 - bitDepth - (bit & 7)));
      }
      bit += bitDepth;
    }
  }
  return bytes;
}

/**
 * A real 16 x 8 baseline JPEG (a red left half and a blue right half) as Chromium's encoder wrote it: SOI, JFIF APP0,
 * an ICC profile (APP2), DQT, SOF0, DHT, SOS, the entropy-coded data, EOI.
 */
export const SAMPLE_JPEG_BASE64: string = [
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQ',
  'AAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB',
  'UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWi',
  'AAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM',
  'ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFR',
  'T/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAIABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAYI',
  '/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/EABQBAQAAAAAAAAAAAAAAAAAAAAf/xAAYEQACAwAAAAAAAAAAAAAAAAAAB0WDw//aAAwDAQACEQMRAD8AzYlQI6VkatBZeMbbkf/Z',
].join('');
