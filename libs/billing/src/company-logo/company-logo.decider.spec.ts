import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { pngOf, SAMPLE_JPEG_BASE64 } from '../../../documents/src/logo-fixtures.test-helper.js';
import { fold } from '../common/decider.js';
import type { CompanyLogoCommand, RemoveCompanyLogo, UploadCompanyLogo } from './company-logo.commands.js';
import { companyLogoDecider } from './company-logo.decider.js';
import { companyLogoEventSchemas, type CompanyLogoEvent, type CompanyLogoRemoved, type CompanyLogoUploaded } from './company-logo.events.js';

const spec = DeciderSpecification.for(companyLogoDecider);
const now = '2026-05-04T10:00:00.000Z';
const later = '2026-05-05T08:30:00.000Z';
const png = pngOf({ width: 120, height: 40 });
const pngBase64 = png.toString('base64');
const otherPng = pngOf({ width: 60, height: 60, colorType: 0 });

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

function upload(data: Partial<UploadCompanyLogo['data']> = {}, at = now): UploadCompanyLogo {
  return { type: 'UploadCompanyLogo', data: { contentType: 'image/png', contentBase64: pngBase64, ...data }, metadata: { now: at } };
}

function remove(at = later): RemoveCompanyLogo {
  return { type: 'RemoveCompanyLogo', data: {}, metadata: { now: at } };
}

const uploaded: CompanyLogoUploaded = {
  type: 'CompanyLogoUploaded',
  data: { contentType: 'image/png', contentBase64: pngBase64, byteLength: png.length, width: 120, height: 40, uploadedAt: now },
};
const removed: CompanyLogoRemoved = { type: 'CompanyLogoRemoved', data: { contentType: 'image/png', removedAt: later } };

describe('no logo', () => {
  it('UploadCompanyLogo records the image with its size and dimensions, read from its bytes', () => {
    spec.given([]).when(upload()).then([uploaded]);
  });

  it('records a JPEG too', () => {
    const jpeg = Buffer.from(SAMPLE_JPEG_BASE64, 'base64');
    spec
      .given([])
      .when(upload({ contentType: 'image/jpeg', contentBase64: SAMPLE_JPEG_BASE64 }))
      .then([{ type: 'CompanyLogoUploaded', data: { contentType: 'image/jpeg', contentBase64: SAMPLE_JPEG_BASE64, byteLength: jpeg.length, width: 16, height: 8, uploadedAt: now } }]);
  });

  it('records the canonical base64: line breaks an encoder inserted are not stored', () => {
    spec.given([]).when(upload({ contentBase64: pngBase64.replace(/(.{64})/g, '$1\n') })).then([uploaded]);
  });

  it.each([
    ['an unsupported content type', { contentType: 'image/gif' }, 'unsupported_type'],
    ['no content type', { contentType: unchecked<string>(undefined) }, 'unsupported_type'],
    ['text that is not base64', { contentBase64: '%%%%' }, 'bad_base64'],
    ['no content', { contentBase64: '' }, 'empty'],
    ['content that is not text', { contentBase64: unchecked<string>({ bytes: [1, 2] }) }, 'bad_base64'],
    ['a JPEG declared as a PNG', { contentBase64: SAMPLE_JPEG_BASE64 }, 'type_mismatch'],
    ['a truncated PNG', { contentBase64: png.subarray(0, 60).toString('base64') }, 'truncated'],
    ['a PNG with something appended', { contentBase64: Buffer.concat([png, Buffer.from('trailer')]).toString('base64') }, 'trailing_data'],
  ])('UploadCompanyLogo with %s fails LOGO_INVALID (%s) and decides nothing', (_case, data, reason) => {
    spec.given([]).when(upload(data)).thenThrows('LOGO_INVALID');
    expect(() => companyLogoDecider.decide(upload(data), companyLogoDecider.initialState)).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason }) }));
  });

  it('UploadCompanyLogo without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...upload(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it('RemoveCompanyLogo decides nothing: there is nothing to remove', () => {
    spec.given([]).when(remove()).thenNothing();
  });
});

describe('a logo', () => {
  it('folds to the logo and when it was uploaded', () => {
    expect(fold(companyLogoDecider, [uploaded])).toEqual({ status: 'present', logo: uploaded.data, updatedAt: now });
  });

  it('the same image again decides nothing (a retried upload is harmless), even wrapped differently', () => {
    spec.given([uploaded]).when(upload({}, later)).thenNothing();
    spec.given([uploaded]).when(upload({ contentBase64: `${pngBase64.slice(0, 40)}\r\n${pngBase64.slice(40)}` }, later)).thenNothing();
  });

  it('another image replaces it', () => {
    spec
      .given([uploaded])
      .when(upload({ contentBase64: otherPng.toString('base64') }, later))
      .then([{ type: 'CompanyLogoUploaded', data: { contentType: 'image/png', contentBase64: otherPng.toString('base64'), byteLength: otherPng.length, width: 60, height: 60, uploadedAt: later } }]);
  });

  it('an invalid image is refused whatever the state: the logo in use stays', () => {
    spec.given([uploaded]).when(upload({ contentBase64: 'AAAA' })).thenThrows('LOGO_INVALID');
  });

  it('RemoveCompanyLogo removes it, recording its type', () => {
    spec.given([uploaded]).when(remove()).then([removed]);
    expect(fold(companyLogoDecider, [uploaded, removed])).toEqual({ status: 'removed', logo: null, updatedAt: later });
  });
});

describe('a removed logo', () => {
  it('RemoveCompanyLogo again decides nothing', () => {
    spec.given([uploaded, removed]).when(remove()).thenNothing();
  });

  it('UploadCompanyLogo uploads one again, even the same image', () => {
    spec.given([uploaded, removed]).when(upload({}, later)).then([{ ...uploaded, data: { ...uploaded.data, uploadedAt: later } }]);
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const commands: CompanyLogoCommand[] = [upload(), upload({ contentBase64: otherPng.toString('base64') }), remove()];
    const events: CompanyLogoEvent[] = [];
    for (const command of commands) events.push(...companyLogoDecider.decide(command, fold(companyLogoDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['CompanyLogoUploaded', 'CompanyLogoUploaded', 'CompanyLogoRemoved']);
    for (const event of events) {
      const schema = companyLogoEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });

  it('the schema refuses an upload without its image, with base64 that is not standard, or with dimensions past the bounds', () => {
    const schema = companyLogoEventSchemas.CompanyLogoUploaded.data;
    expect(() => schema.parse({ ...uploaded.data, contentBase64: '' })).toThrow();
    expect(() => schema.parse({ ...uploaded.data, contentBase64: 'ab-_' })).toThrow();
    expect(() => schema.parse({ ...uploaded.data, width: 4001 })).toThrow();
    expect(() => schema.parse({ ...uploaded.data, contentType: 'image/gif' })).toThrow();
  });
});
