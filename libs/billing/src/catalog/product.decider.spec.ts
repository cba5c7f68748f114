import { describe, expect, it } from '@jest/globals';
import { DeciderSpecification } from '../../../testing/src/decider-spec.js';
import { fold } from '../common/decider.js';
import type { ArchiveProduct, CreateProduct, UpdateProduct } from './product.commands.js';
import { productDecider } from './product.decider.js';
import { productEventSchemas, type ProductArchived, type ProductCreated, type ProductEvent } from './product.events.js';
import { planProductContextOf } from './plan.product-context.js';
import type { ServiceType } from './service-type.js';

const spec = DeciderSpecification.for(productDecider);

const now = '2025-03-01T09:00:00.000Z';
const later = '2025-04-01T09:00:00.000Z';
const productId = 'prod-fibre';

/** Lets a spec send what a careless caller could send, past the compile-time types. */
const unchecked = <T>(value: unknown): T => value as T;

function create(data: Partial<CreateProduct['data']> = {}, at = now): CreateProduct {
  return { type: 'CreateProduct', data: { productId, name: 'Fibre internet', description: 'Home fibre', serviceType: 'broadband', ...data }, metadata: { now: at } };
}

function update(data: Partial<UpdateProduct['data']> = {}, at = later): UpdateProduct {
  return { type: 'UpdateProduct', data: { productId, name: 'Fibre internet', description: 'Home fibre', ...data }, metadata: { now: at } };
}

function archive(at = later): ArchiveProduct {
  return { type: 'ArchiveProduct', data: { productId }, metadata: { now: at } };
}

const created: ProductCreated = {
  type: 'ProductCreated',
  data: { productId, name: 'Fibre internet', description: 'Home fibre', serviceType: 'broadband', createdAt: now },
};
const archived: ProductArchived = { type: 'ProductArchived', data: { productId, archivedAt: later } };

describe('no product', () => {
  it('CreateProduct creates it with its service type', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('CreateProduct without a description records null, never ""', () => {
    spec
      .given([])
      .when(create({ description: undefined, serviceType: 'voice' }))
      .then([{ type: 'ProductCreated', data: { productId, name: 'Fibre internet', description: null, serviceType: 'voice', createdAt: now } }]);
  });

  it.each([
    ['a blank name', { name: '   ' }, /name is required/],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, /name must be at most 200 characters/],
    ['an empty description', { description: '' }, /description is required and must not be empty/],
    ['an unknown service type', { serviceType: unchecked<ServiceType>('internet') }, /serviceType must be one of broadband, voice, video, bundle, addon, custom/],
    ['an id with a space', { productId: 'prod fibre' }, /productId must start with a letter or a digit/],
  ])('CreateProduct with %s fails VALIDATION_FAILED', (_case, data, message) => {
    spec.given([]).when(create(data)).thenThrows('VALIDATION_FAILED', message);
  });

  it('CreateProduct without metadata.now fails VALIDATION_FAILED', () => {
    spec.given([]).when({ ...create(), metadata: unchecked({}) }).thenThrows('VALIDATION_FAILED', /metadata.now/);
  });

  it.each([
    ['UpdateProduct', update()],
    ['ArchiveProduct', archive()],
  ])('%s fails NOT_FOUND', (_case, command) => {
    spec.given([]).when(command).thenThrows('NOT_FOUND', /Product prod-fibre does not exist/);
  });

  it('has no context for a plan', () => {
    expect(planProductContextOf(productDecider.initialState)).toBeNull();
  });
});

describe('active product', () => {
  it('CreateProduct with the same data again decides nothing (a retry is harmless)', () => {
    spec.given([created]).when(create({}, later)).thenNothing();
  });

  it.each([
    ['another name', { name: 'Fibre' }],
    ['another service type', { serviceType: 'video' as const }],
  ])('CreateProduct with %s fails ALREADY_EXISTS', (_case, data) => {
    spec.given([created]).when(create(data, later)).thenThrows('ALREADY_EXISTS', /Product prod-fibre already exists/);
  });

  it('UpdateProduct records the new name and description with the values they replace', () => {
    spec
      .given([created])
      .when(update({ name: 'Fibre 1 Gbit', description: null }))
      .then([
        {
          type: 'ProductUpdated',
          data: { productId, name: 'Fibre 1 Gbit', description: null, previous: { name: 'Fibre internet', description: 'Home fibre' }, updatedAt: later },
        },
      ]);
  });

  it('UpdateProduct with the same name and description decides nothing', () => {
    spec.given([created]).when(update()).thenNothing();
  });

  it('UpdateProduct with a blank name fails VALIDATION_FAILED', () => {
    spec.given([created]).when(update({ name: '' })).thenThrows('VALIDATION_FAILED', /name is required/);
  });

  it('ArchiveProduct archives it', () => {
    spec.given([created]).when(archive()).then([archived]);
  });

  it('gives CreatePlan its id, service type and status', () => {
    expect(planProductContextOf(fold(productDecider, [created]))).toEqual({ productId, serviceType: 'broadband', status: 'active' });
  });

  it('a command for another product on this stream is a programming error, not a domain error', () => {
    expect(() => productDecider.decide(update({ productId: 'prod-2' }), fold(productDecider, [created]))).toThrow(/was decided on the stream of prod-fibre/);
  });
});

describe('archived product', () => {
  it('ArchiveProduct again decides nothing', () => {
    spec.given([created, archived]).when(archive()).thenNothing();
  });

  it('UpdateProduct still renames it: archiving stops new plans, not corrections', () => {
    spec
      .given([created, archived])
      .when(update({ name: 'Fibre (retired)' }))
      .then([
        {
          type: 'ProductUpdated',
          data: { productId, name: 'Fibre (retired)', description: 'Home fibre', previous: { name: 'Fibre internet', description: 'Home fibre' }, updatedAt: later },
        },
      ]);
  });

  it('stays archived with its details', () => {
    expect(fold(productDecider, [created, archived])).toEqual({
      status: 'archived',
      productId,
      serviceType: 'broadband',
      name: 'Fibre internet',
      description: 'Home fibre',
      createdAt: now,
      updatedAt: later,
      archivedAt: later,
    });
    expect(planProductContextOf(fold(productDecider, [created, archived]))).toEqual({ productId, serviceType: 'broadband', status: 'archived' });
  });
});

describe('event contracts', () => {
  it('every event the decider emits matches its zod schema (version 1)', () => {
    const events: ProductEvent[] = [...productDecider.decide(create(), productDecider.initialState)];
    events.push(...productDecider.decide(update({ name: 'Fibre 1 Gbit' }), fold(productDecider, events)));
    events.push(...productDecider.decide(archive(), fold(productDecider, events)));
    expect(events.map((event) => event.type)).toEqual(['ProductCreated', 'ProductUpdated', 'ProductArchived']);
    for (const event of events) {
      const schema = productEventSchemas[event.type];
      expect(schema.schemaVersion).toBe(1);
      expect(schema.data.parse(event.data)).toEqual(event.data);
    }
  });
});
