import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { pngChunk, pngOf, SAMPLE_JPEG_BASE64 } from '../../../documents/src/logo-fixtures.test-helper.js';
import { DomainError } from '../common/domain-error.js';
import { canonicalLogoBase64, companyLogoLimits, crc32, decodeCanonicalBase64, inspectLogoImage, requireLogoContentType, type CompanyLogoContentType } from './company-logo.image.js';

const jpeg = Buffer.from(SAMPLE_JPEG_BASE64, 'base64');
const png = pngOf({ width: 40, height: 20 });

/** The refusal's reason (details.reason of LOGO_INVALID), or 'accepted'. */
function verdict(bytes: Uint8Array, contentType: CompanyLogoContentType): string {
  try {
    inspectLogoImage(bytes, contentType);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.code).toBe('LOGO_INVALID');
    return String(error.details.reason);
  }
}

/** A copy of the PNG with its chunk `type` replaced by `data` (CRC recomputed), or with one byte changed. */
function withChunk(bytes: Buffer, type: string, data: Uint8Array): Buffer {
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    if (bytes.toString('latin1', offset + 4, offset + 8) === type) return Buffer.concat([bytes.subarray(0, offset), pngChunk(type, data), bytes.subarray(offset + 12 + length)]);
    offset += 12 + length;
  }
  throw new Error(`no ${type} chunk`);
}

function header(width: number, height: number, bitDepth: number, colorType: number, interlace = 0, compression = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = bitDepth;
  data[9] = colorType;
  data[10] = compression;
  data[12] = interlace;
  return data;
}

function withByte(bytes: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = value;
  return copy;
}

describe('inspectLogoImage: PNG', () => {
  it.each([
    ['RGB 8-bit', { colorType: 2 as const }],
    ['RGB + alpha 16-bit', { colorType: 6 as const, bitDepth: 16 as const }],
    ['grey 1-bit', { colorType: 0 as const, bitDepth: 1 as const }],
    ['grey + alpha 8-bit', { colorType: 4 as const }],
    ['palette 4-bit with transparency', { colorType: 3 as const, bitDepth: 4 as const, palette: [[1, 2, 3] as const, [4, 5, 6] as const], transparency: [0, 255] }],
    ['interlaced RGB', { colorType: 2 as const, interlaced: true }],
    ['with text and time chunks', { extraChunks: [{ type: 'tEXt', data: Buffer.from('Comment\u0000<script>alert(1)</script>') }, { type: 'tIME', data: Buffer.alloc(7) }] }],
  ])('accepts a complete %s image and reads its size', (_case, spec) => {
    const info = inspectLogoImage(pngOf({ width: 33, height: 7, ...spec }), 'image/png');
    expect(info).toMatchObject({ format: 'png', width: 33, height: 7 });
  });

  it('accepts the largest image: 4000 x 4000 pixels', () => {
    expect(inspectLogoImage(pngOf({ width: 4000, height: 4000, colorType: 0, bitDepth: 1 }), 'image/png')).toMatchObject({ width: 4000, height: 4000 });
  });

  it.each([
    ['truncated inside a chunk', png.subarray(0, png.length - 20), 'truncated'],
    ['truncated before IEND', png.subarray(0, png.length - 12), 'truncated'],
    ['only the signature', png.subarray(0, 8), 'truncated'],
    ['a byte of IHDR changed (CRC mismatch)', withByte(png, 17, 0x7f), 'corrupt'],
    ['a byte of IDAT changed (CRC mismatch)', withByte(png, 45, (png[45] as number) ^ 0xff), 'corrupt'],
    ['a ZIP archive appended (polyglot)', Buffer.concat([png, Buffer.from('PK\u0003\u0004\u0014\u0000 archive', 'latin1')]), 'trailing_data'],
    ['HTML appended (polyglot)', Buffer.concat([png, Buffer.from('<html><script>alert(1)</script></html>')]), 'trailing_data'],
    ['a width of 4001', pngOf({ width: 4001, height: 1, colorType: 0, bitDepth: 1 }), 'dimensions_out_of_range'],
    ['a height of 100000', withChunk(png, 'IHDR', header(10, 100_000, 8, 2)), 'dimensions_out_of_range'],
    ['a width of 0', withChunk(png, 'IHDR', header(0, 10, 8, 2)), 'dimensions_out_of_range'],
    ['a width of 2^31 + 1', withChunk(png, 'IHDR', header(2 ** 31 + 1, 10, 8, 2)), 'dimensions_out_of_range'],
    ['colour type 5', withChunk(png, 'IHDR', header(40, 20, 8, 5)), 'corrupt'],
    ['bit depth 3', withChunk(png, 'IHDR', header(40, 20, 3, 0)), 'corrupt'],
    ['16-bit palette', withChunk(png, 'IHDR', header(40, 20, 16, 3)), 'corrupt'],
    ['interlace method 2', withChunk(png, 'IHDR', header(40, 20, 8, 2, 2)), 'corrupt'],
    ['compression method 1', withChunk(png, 'IHDR', header(40, 20, 8, 2, 0, 1)), 'unsupported_variant'],
    ['an IHDR of 12 bytes', withChunk(png, 'IHDR', header(40, 20, 8, 2).subarray(0, 12)), 'corrupt'],
    ['a palette image without a palette', withoutChunk(pngOf({ width: 4, height: 4, colorType: 3 }), 'PLTE'), 'corrupt'],
    ['a palette of 3 entries on a 1-bit image', pngOf({ width: 4, height: 4, colorType: 3, bitDepth: 1, palette: [[1, 1, 1], [2, 2, 2], [3, 3, 3]] }), 'corrupt'],
    ['a palette on a grey image', pngOf({ width: 4, height: 4, colorType: 0, palette: [[1, 1, 1]] }), 'corrupt'],
    ['a tRNS on an RGBA image', pngOf({ width: 4, height: 4, colorType: 6, transparency: [0, 0] }), 'corrupt'],
    ['an unknown critical chunk after the image data', pngOf({ width: 4, height: 4, extraChunks: [{ type: 'ABCD', data: new Uint8Array(3) }] }), 'unsupported_variant'],
    ['an unknown critical chunk before the image data', Buffer.concat([png.subarray(0, 33), pngChunk('ABCD', new Uint8Array(3)), png.subarray(33)]), 'unsupported_variant'],
    ['IDAT chunks that are not consecutive', pngOf({ width: 4, height: 4, extraChunks: [{ type: 'tEXt', data: Buffer.from('a\u0000b') }, { type: 'IDAT', data: new Uint8Array(2) }] }), 'corrupt'],
    ['a chunk type that is not letters', withByte(png, 12, 0x31), 'corrupt'],
    ['a chunk length of 2^31', withLength(png, 33, 0x80000000), 'corrupt'],
    ['no IDAT', withoutChunk(png, 'IDAT'), 'corrupt'],
    ['IEND with data', withChunk(png, 'IEND', new Uint8Array(1)), 'corrupt'],
  ])('refuses a PNG with %s', (_case, bytes, reason) => {
    expect(verdict(bytes, 'image/png')).toBe(reason);
  });

  it('refuses more chunks than companyLogoLimits.partsMax', () => {
    const many = Array.from({ length: companyLogoLimits.partsMax }, () => pngChunk('tEXt', Buffer.from('a\u0000b')));
    expect(verdict(Buffer.concat([png.subarray(0, 33), ...many, png.subarray(33)]), 'image/png')).toBe('corrupt');
  });
});

describe('inspectLogoImage: JPEG', () => {
  it('accepts a real baseline JPEG and reads its size and components', () => {
    expect(inspectLogoImage(jpeg, 'image/jpeg')).toEqual({ format: 'jpeg', width: 16, height: 8, components: 3, progressive: false, adobe: false });
  });

  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  const withSof = (offset: number, value: number) => withByte(jpeg, sof + offset, value);

  it.each([
    ['truncated in its image data', jpeg.subarray(0, jpeg.length - 10), 'truncated'],
    ['truncated in a segment', jpeg.subarray(0, 30), 'truncated'],
    ['without its end-of-image marker', jpeg.subarray(0, jpeg.length - 2), 'truncated'],
    ['data after its end-of-image marker (polyglot)', Buffer.concat([jpeg, Buffer.from('<?php echo 1; ?>')]), 'trailing_data'],
    ['a 12-bit frame', withSof(4, 12), 'unsupported_variant'],
    ['a lossless frame (SOF3)', withSof(1, 0xc3), 'unsupported_variant'],
    ['an arithmetic-coded frame (SOF9)', withSof(1, 0xc9), 'unsupported_variant'],
    ['a height of 0 (defined later by DNL)', Buffer.concat([jpeg.subarray(0, sof + 5), Buffer.from([0, 0]), jpeg.subarray(sof + 7)]), 'dimensions_out_of_range'],
    ['a width of 65535', Buffer.concat([jpeg.subarray(0, sof + 7), Buffer.from([0xff, 0xff]), jpeg.subarray(sof + 9)]), 'dimensions_out_of_range'],
    ['2 colour components', withSof(9, 2), 'unsupported_variant'],
    ['a segment length of 1', withByte(withByte(jpeg, 4, 0), 5, 1), 'corrupt'],
    ['no marker where one must be', withByte(jpeg, 2 + 2 + jpeg.readUInt16BE(4), 0x00), 'corrupt'],
  ])('refuses a JPEG with %s', (_case, bytes, reason) => {
    expect(verdict(bytes, 'image/jpeg')).toBe(reason);
  });

  it('refuses a JPEG without a frame or a scan', () => {
    expect(verdict(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg')).toBe('corrupt');
  });
});

describe('inspectLogoImage: type and size', () => {
  it.each([
    ['a JPEG declared image/png', jpeg, 'image/png' as const, 'type_mismatch'],
    ['a PNG declared image/jpeg', png, 'image/jpeg' as const, 'type_mismatch'],
    ['a GIF', Buffer.from('GIF89a\u0001\u0000\u0001\u0000', 'latin1'), 'image/png' as const, 'type_mismatch'],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png' as const, 'type_mismatch'],
    ['a PDF', Buffer.from('%PDF-1.7\n'), 'image/jpeg' as const, 'type_mismatch'],
    ['nothing', Buffer.alloc(0), 'image/png' as const, 'empty'],
    ['more than 64 KB', Buffer.concat([png, Buffer.alloc(companyLogoLimits.byteLengthMax)]), 'image/png' as const, 'too_large'],
  ])('refuses %s', (_case, bytes, contentType, reason) => {
    expect(verdict(bytes, contentType)).toBe(reason);
  });

  it.each([['image/gif'], ['image/svg+xml'], ['IMAGE/PNG'], [''], [null], [42]])('refuses the content type %p as unsupported_type, naming the field', (contentType) => {
    expect(() => requireLogoContentType(contentType)).toThrow(expect.objectContaining({ code: 'LOGO_INVALID', details: expect.objectContaining({ field: 'contentType', reason: 'unsupported_type' }) }));
  });
});

describe('canonicalLogoBase64', () => {
  it('accepts standard base64, line breaks and spaces removed, and decodes it to the same bytes', () => {
    const text = png.toString('base64');
    const wrapped = text.replace(/(.{76})/g, '$1\r\n');
    expect(canonicalLogoBase64(wrapped)).toBe(text);
    expect(Buffer.from(decodeCanonicalBase64(text)).equals(png)).toBe(true);
  });

  it.each([
    ['a data: URL', `data:image/png;base64,${png.toString('base64')}`],
    ['base64url characters', png.toString('base64url').padEnd(Math.ceil(png.toString('base64url').length / 4) * 4, '=').replace(/\+/g, '-') + '-___'],
    ['a length that is not a multiple of 4', 'QUJD' + 'RA'],
    ['padding in the middle', 'QQ==QUJD'],
    ['stray bits before the padding', 'QR=='],
    ['a non-ASCII character', 'QUJ\u00e9'],
    ['a number', 42],
  ])('refuses %s as bad_base64', (_case, value) => {
    expect(() => canonicalLogoBase64(value)).toThrow(expect.objectContaining({ code: 'LOGO_INVALID', details: expect.objectContaining({ reason: 'bad_base64' }) }));
  });

  it('refuses empty text as empty, and text longer than the base64 of 64 KB as too_large before decoding it', () => {
    expect(() => canonicalLogoBase64('  \n ')).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'empty' }) }));
    expect(() => canonicalLogoBase64('A'.repeat(companyLogoLimits.base64LengthMax + 4))).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'too_large' }) }));
    expect(() => canonicalLogoBase64('A'.repeat(50_000_000))).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'too_large' }) }));
  });

  it('round-trips any bytes (property): the canonical text of Node\'s encoding decodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        fc.pre(bytes.length > 0);
        const text = Buffer.from(bytes).toString('base64');
        expect(canonicalLogoBase64(text)).toBe(text);
        expect(Buffer.from(decodeCanonicalBase64(text)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('crc32', () => {
  it('is the CRC-32 PNG uses (the IEND chunk\'s is AE 42 60 82)', () => {
    expect(crc32(Buffer.from('IEND', 'latin1'))).toBe(0xae426082);
    expect(crc32(Buffer.from('123456789', 'latin1'))).toBe(0xcbf43926);
  });
});

describe('hostile input (property): any bytes are accepted or refused with LOGO_INVALID, never anything else', () => {
  it('random bytes under either content type', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom<CompanyLogoContentType>('image/png', 'image/jpeg'), (bytes, contentType) => {
        expect(typeof verdict(bytes, contentType)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid PNG or JPEG with bytes flipped, cut or inserted anywhere', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<[Buffer, CompanyLogoContentType]>([png, 'image/png'], [jpeg, 'image/jpeg'], [pngOf({ width: 9, height: 9, colorType: 3, bitDepth: 2, palette: [[0, 0, 0]] }), 'image/png']),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('flip', 'cut', 'insert') }), { minLength: 1, maxLength: 4 }),
        ([original, contentType], edits) => {
          let bytes = Buffer.from(original);
          for (const edit of edits) {
            const at = edit.at % (bytes.length + 1);
            if (edit.kind === 'flip' && at < bytes.length) bytes[at] = edit.value;
            else if (edit.kind === 'cut') bytes = bytes.subarray(0, at);
            else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([edit.value]), bytes.subarray(at)]);
          }
          const outcome = verdict(bytes, contentType);
          // Any change to a PNG is caught: every chunk carries a CRC, and nothing may follow IEND. (A JPEG's image
          // data has no checksum: a changed byte there is a different picture, which the reader still draws.)
          if (contentType === 'image/png' && !bytes.equals(original)) expect(outcome).not.toBe('accepted');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

function withoutChunk(bytes: Buffer, type: string): Buffer {
  let offset = 8;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    if (bytes.toString('latin1', offset + 4, offset + 8) === type) return Buffer.concat([bytes.subarray(0, offset), bytes.subarray(offset + 12 + length)]);
    offset += 12 + length;
  }
  throw new Error(`no ${type} chunk`);
}

function withLength(bytes: Buffer, offset: number, length: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32BE(length, offset);
  return copy;
}
