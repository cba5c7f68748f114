import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deleteEntries, emptyPersistentMap, getEntry, hasEntry, setEntries, valuesOf, type PersistentMap } from './persistent-map.js';

describe('PersistentMap', () => {
  it('behaves like a Map under any sequence of batched sets and deletes, and never changes a map it was given', () => {
    const key = fc.string({ maxLength: 3 });
    const batch = fc.oneof(
      fc.array(fc.tuple(key, fc.integer()), { maxLength: 20 }).map((entries) => ({ kind: 'set' as const, entries })),
      fc.array(key, { maxLength: 10 }).map((keys) => ({ kind: 'delete' as const, keys })),
    );
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 30 }), (batches) => {
        const model = new Map<string, number>();
        let map: PersistentMap<number> = emptyPersistentMap();
        for (const step of batches) {
          const before = map;
          const beforeValues = valuesOf(before).sort();
          if (step.kind === 'set') {
            map = setEntries(map, step.entries);
            for (const [k, v] of step.entries) model.set(k, v);
          } else {
            map = deleteEntries(map, step.keys);
            for (const k of step.keys) model.delete(k);
          }
          expect(valuesOf(before).sort()).toEqual(beforeValues);
          expect(map.size).toBe(model.size);
        }
        expect(map.size).toBe(model.size);
        for (const [k, v] of model) {
          expect(getEntry(map, k)).toBe(v);
          expect(hasEntry(map, k)).toBe(true);
        }
        expect(valuesOf(map).sort()).toEqual([...model.values()].sort());
        expect(hasEntry(map, 'a key longer than any generated')).toBe(false);
      }),
    );
  });
});
