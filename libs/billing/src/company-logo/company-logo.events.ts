import { z } from 'zod';
import { defineEventSchema, type DomainEvent } from '../common/event.js';
import { eventFields } from '../common/event-fields.js';
import { companyLogoContentTypes, companyLogoLimits } from './company-logo.image.js';

const { instant } = eventFields;

/**
 * Company-logo events are contracts (docs/architecture.md, Conventions 4). CompanyLogoUploaded carries the image
 * itself (canonical base64), so a replay restores the logo and a rebuilt read model prints the same PDFs; the
 * dimensions and size are those the decider read from the bytes, so a reader need not parse the image to show them.
 */
export const companyLogoUploadedSchema = defineEventSchema(
  'CompanyLogoUploaded',
  1,
  z.object({
    contentType: z.enum(companyLogoContentTypes),
    contentBase64: z
      .string()
      .min(4)
      .max(companyLogoLimits.base64LengthMax)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be standard base64'),
    byteLength: z.number().int().min(1).max(companyLogoLimits.byteLengthMax),
    width: z.number().int().min(1).max(companyLogoLimits.dimensionMax),
    height: z.number().int().min(1).max(companyLogoLimits.dimensionMax),
    uploadedAt: instant,
  }),
);

/** The logo was removed; `contentType` is the one it had, so the history reads without the upload before it. */
export const companyLogoRemovedSchema = defineEventSchema('CompanyLogoRemoved', 1, z.object({ contentType: z.enum(companyLogoContentTypes), removedAt: instant }));

/** Every company-logo event type, by its stored name. */
export const companyLogoEventSchemas = {
  CompanyLogoUploaded: companyLogoUploadedSchema,
  CompanyLogoRemoved: companyLogoRemovedSchema,
} as const;

export type CompanyLogoEventType = keyof typeof companyLogoEventSchemas;
export const companyLogoEventTypes = Object.keys(companyLogoEventSchemas) as CompanyLogoEventType[];

export type CompanyLogoUploaded = DomainEvent<'CompanyLogoUploaded', z.infer<typeof companyLogoUploadedSchema.data>>;
export type CompanyLogoRemoved = DomainEvent<'CompanyLogoRemoved', z.infer<typeof companyLogoRemovedSchema.data>>;

export type CompanyLogoEvent = CompanyLogoUploaded | CompanyLogoRemoved;
