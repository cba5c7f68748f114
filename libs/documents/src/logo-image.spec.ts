import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deflateSync, inflateSync } from 'node:zlib';
import { DomainError } from '../../billing/src/index.js';
import { pngChunk, pngOf, SAMPLE_JPEG_BASE64, type PngSpec } from './logo-fixtures.test-helper.js';
import { prepareLogo, requireDrawableLogo, type PreparedLogo } from './logo-image.js';

/** The pixels a prepared PNG draws: RGB triples and alphas (255 when opaque). */
function pixelsOf(prepared: PreparedLogo): { rgb: number[][]; alpha: number[] } {
  if (prepared.kind !== 'raster') throw new Error('not a raster');
  const rgb = inflateSync(prepared.rgb);
  const alpha = prepared.alpha === null ? Buffer.alloc(prepared.width * prepared.height, 255) : inflateSync(prepared.alpha);
  return { rgb: Array.from({ length: prepared.width * prepared.height }, (_, index) => [...rgb.subarray(index * 3, index * 3 + 3)]), alpha: [...alpha] };
}

function decoded(spec: PngSpec): { rgb: number[][]; alpha: number[] } {
  return pixelsOf(prepareLogo('image/png', pngOf(spec)));
}

function refusal(bytes: Uint8Array): string {
  try {
    prepareLogo('image/png', bytes);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.code}:${String(error.details.reason)}`;
  }
}

describe('prepareLogo: PNG pixels, as drawn', () => {
  it.each([
    ['RGB 8-bit', { colorType: 2, pixel: [204, 0, 17] }, [204, 0, 17], 255],
    ['RGB 16-bit (the high byte)', { colorType: 2, bitDepth: 16, pixel: [0xff00, 0x8000, 0x00ff] }, [255, 128, 0], 255],
    ['RGBA 8-bit', { colorType: 6, pixel: [1, 2, 3, 128] }, [1, 2, 3], 128],
    ['grey 1-bit', { colorType: 0, bitDepth: 1, pixel: [1] }, [255, 255, 255], 255],
    ['grey 2-bit', { colorType: 0, bitDepth: 2, pixel: [1] }, [85, 85, 85], 255],
    ['grey 4-bit', { colorType: 0, bitDepth: 4, pixel: [8] }, [136, 136, 136], 255],
    ['grey 16-bit', { colorType: 0, bitDepth: 16, pixel: [0x8000] }, [128, 128, 128], 255],
    ['grey + alpha 8-bit', { colorType: 4, pixel: [200, 10] }, [200, 200, 200], 10],
    ['palette 2-bit', { colorType: 3, bitDepth: 2, palette: [[9, 9, 9], [10, 20, 30]], pixel: [1] }, [10, 20, 30], 255],
    ['palette with a tRNS alpha', { colorType: 3, palette: [[9, 9, 9], [10, 20, 30]], transparency: [255, 40], pixel: [1] }, [10, 20, 30], 40],
    ['grey with a transparent key that matches', { colorType: 0, pixel: [7], transparency: [0, 7] }, [7, 7, 7], 0],
    ['RGB 16-bit with a transparent key that matches', { colorType: 2, bitDepth: 16, pixel: [1, 2, 3], transparency: [0, 1, 0, 2, 0, 3] }, [0, 0, 0], 0],
    ['RGB with a transparent key that does not match', { colorType: 2, pixel: [1, 2, 3], transparency: [0, 1, 0, 2, 0, 4] }, [1, 2, 3], 255],
  ] as const)('%s', (_case, spec, rgb, alpha) => {
    const pixels = decoded({ width: 13, height: 5, ...(spec as Partial<PngSpec>) });
    expect(new Set(pixels.rgb.map((pixel) => pixel.join(',')))).toEqual(new Set([rgb.join(',')]));
    expect(new Set(pixels.alpha)).toEqual(new Set([alpha]));
  });

  it('an opaque image has no alpha plane (no soft mask is drawn)', () => {
    const prepared = prepareLogo('image/png', pngOf({ width: 8, height: 8, colorType: 6, pixel: [1, 2, 3, 255] }));
    expect(prepared).toMatchObject({ kind: 'raster', width: 8, height: 8, alpha: null });
  });

  it('undoes every row filter (None, Sub, Up, Average, Paeth), interlaced or not, at every bit depth (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 11 }),
        fc.constantFrom<[0 | 2 | 4 | 6, 1 | 2 | 4 | 8 | 16]>([0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [2, 8], [2, 16], [4, 8], [6, 8], [6, 16]),
        fc.boolean(),
        fc.infiniteStream(fc.integer({ min: 0, max: 65535 })),
        fc.infiniteStream(fc.integer({ min: 0, max: 4 })),
        (width, height, [colorType, bitDepth], interlaced, samples, filters) => {
          const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
          const maxValue = 2 ** bitDepth - 1;
          const image = Array.from({ length: height }, () => Array.from({ length: width }, () => Array.from({ length: channels }, () => (samples.next().value as number) % (maxValue + 1))));
          const raw = encodeRaw(image, channels, bitDepth, interlaced, () => filters.next().value as number);
          const pixels = pixelsOf(prepareLogo('image/png', pngOf({ width, height, colorType, bitDepth, interlaced, rawImageData: raw })));
          const to8 = (value: number) => (bitDepth === 16 ? value >> 8 : bitDepth === 8 ? value : Math.round((value * 255) / maxValue));
          image.forEach((row, y) =>
            row.forEach((pixel, x) => {
              const index = y * width + x;
              const colour = channels <= 2 ? [pixel[0], pixel[0], pixel[0]] : pixel.slice(0, 3);
              expect(pixels.rgb[index]).toEqual(colour.map((value) => to8(value as number)));
              expect(pixels.alpha[index]).toBe(channels === 2 || channels === 4 ? to8(pixel[channels - 1] as number) : 255);
            }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('prepareLogo refuses image data that does not decode exactly (LOGO_INVALID corrupt), before anything is drawn', () => {
  it.each([
    ['data that inflates to far more than the header announces (a zlib bomb)', pngOf({ width: 10, height: 10, rawImageData: Buffer.alloc(5_000_000) })],
    ['data that inflates to one byte more', pngOf({ width: 10, height: 10, rawImageData: Buffer.alloc(10 * 31 + 1) })],
    ['data that inflates to one byte less', pngOf({ width: 10, height: 10, rawImageData: Buffer.alloc(10 * 31 - 1) })],
    ['a row filter type 5', pngOf({ width: 2, height: 2, rawImageData: Buffer.from([0, 1, 2, 3, 4, 5, 6, 5, 1, 2, 3, 4, 5, 6]) })],
    ['a palette index past the palette', pngOf({ width: 2, height: 1, colorType: 3, palette: [[1, 1, 1]], rawImageData: Buffer.from([0, 0, 3]) })],
    ['image data that is not zlib', replaceImageData(pngOf({ width: 4, height: 4 }), Buffer.from('not zlib at all'))],
    ['image data cut short', replaceImageData(pngOf({ width: 40, height: 40 }), deflateSync(Buffer.alloc(40 * 121)).subarray(0, 20))],
  ])('%s', (_case, bytes) => {
    expect(refusal(bytes)).toBe('LOGO_INVALID:corrupt');
  });

  it('structure first: a PNG that libs/billing refuses never reaches the decoder', () => {
    expect(refusal(Buffer.concat([pngOf({ width: 4, height: 4 }), Buffer.from('tail')]))).toBe('LOGO_INVALID:trailing_data');
  });
});

describe('prepareLogo: JPEG', () => {
  it('is embedded as it is, with its size and components', () => {
    const bytes = Buffer.from(SAMPLE_JPEG_BASE64, 'base64');
    const prepared = prepareLogo('image/jpeg', bytes);
    expect(prepared).toMatchObject({ kind: 'jpeg', width: 16, height: 8, components: 3, adobe: false });
    expect(prepared.kind === 'jpeg' && prepared.bytes.equals(bytes)).toBe(true);
  });
});

describe('requireDrawableLogo', () => {
  it('takes the type and the base64 as an upload carries them', () => {
    expect(requireDrawableLogo('image/png', pngOf({ width: 3, height: 3 }).toString('base64'))).toMatchObject({ kind: 'raster', width: 3, height: 3 });
  });

  it.each([
    ['image/webp', 'AAAA', 'unsupported_type'],
    ['image/png', 'not base64', 'bad_base64'],
    ['image/png', pngOf({ width: 10, height: 10, rawImageData: Buffer.alloc(2_000_000) }).toString('base64'), 'corrupt'],
  ])('%s %s: LOGO_INVALID %s', (contentType, contentBase64, reason) => {
    expect(() => requireDrawableLogo(contentType, contentBase64)).toThrow(expect.objectContaining({ code: 'LOGO_INVALID', details: expect.objectContaining({ reason }) }));
  });
});

/** The scanlines of an image with the given filter per row (what an encoder writes), optionally Adam7-interlaced. */
function encodeRaw(image: number[][][], channels: number, bitDepth: number, interlaced: boolean, nextFilter: () => number): Buffer {
  const height = image.length;
  const width = image[0]?.length ?? 0;
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
  const unit = Math.max(1, Math.ceil((channels * bitDepth) / 8));
  const out: Buffer[] = [];
  for (const [x0, y0, dx, dy] of passes as [number, number, number, number][]) {
    const columns = Math.ceil((width - x0) / dx);
    const rows = Math.ceil((height - y0) / dy);
    if (columns <= 0 || rows <= 0) continue;
    let previous = Buffer.alloc(Math.ceil((columns * channels * bitDepth) / 8));
    for (let row = 0; row < rows; row += 1) {
      const line = Buffer.alloc(previous.length);
      let bit = 0;
      for (let column = 0; column < columns; column += 1) {
        for (const value of (image[y0 + row * dy] as number[][])[x0 + column * dx] as number[]) {
          if (bitDepth === 16) line.writeUInt16BE(value, bit / 8);
          else if (bitDepth === 8) line[bit / 8] = value;
          else line[bit >> 3] = (line[bit >> 3] as number) | (value << (8 - bitDepth - (bit & 7)));
          bit += bitDepth;
        }
      }
      const filter = nextFilter();
      const filtered = Buffer.alloc(line.length);
      for (let i = 0; i < line.length; i += 1) {
        const left = i >= unit ? (line[i - unit] as number) : 0;
        const up = previous[i] as number;
        const upperLeft = i >= unit ? (previous[i - unit] as number) : 0;
        const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upperLeft)][filter] as number;
        filtered[i] = ((line[i] as number) - predictor) & 0xff;
      }
      out.push(Buffer.from([filter]), filtered);
      previous = line;
    }
  }
  return Buffer.concat(out);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The PNG with its IDAT data replaced (CRC recomputed). */
function replaceImageData(bytes: Buffer, data: Buffer): Buffer {
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    if (bytes.toString('latin1', offset + 4, offset + 8) === 'IDAT') return Buffer.concat([bytes.subarray(0, offset), pngChunk('IDAT', data), bytes.subarray(offset + 12 + length)]);
    offset += 12 + length;
  }
  throw new Error('no IDAT');
}
