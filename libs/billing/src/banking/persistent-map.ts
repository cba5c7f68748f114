/**
 * An immutable string-keyed map for the long-lived banking streams (every statement line an account ever had):
 * `set` copies one of 256 buckets instead of the whole map, so folding N events costs about N * size/256, not
 * N * size. Values are never mutated; a changed entry is a new value.
 */
export interface PersistentMap<Value> {
  readonly size: number;
  readonly buckets: readonly (ReadonlyMap<string, Value> | undefined)[];
}

const bucketCount = 256;

export function emptyPersistentMap<Value>(): PersistentMap<Value> {
  return { size: 0, buckets: [] };
}

/** FNV-1a over the UTF-16 code units, folded to a bucket index. */
function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % bucketCount;
}

export function getEntry<Value>(map: PersistentMap<Value>, key: string): Value | undefined {
  return map.buckets[bucketOf(key)]?.get(key);
}

export function hasEntry<Value>(map: PersistentMap<Value>, key: string): boolean {
  return map.buckets[bucketOf(key)]?.has(key) ?? false;
}

/** A new map with `entries` set (later entries win); each touched bucket is copied once. */
export function setEntries<Value>(map: PersistentMap<Value>, entries: Iterable<readonly [string, Value]>): PersistentMap<Value> {
  const buckets = [...map.buckets];
  const copied = new Map<number, Map<string, Value>>();
  let size = map.size;
  for (const [key, value] of entries) {
    const index = bucketOf(key);
    let bucket = copied.get(index);
    if (bucket === undefined) {
      bucket = new Map(buckets[index] ?? []);
      buckets[index] = bucket;
      copied.set(index, bucket);
    }
    if (!bucket.has(key)) size += 1;
    bucket.set(key, value);
  }
  return { size, buckets };
}

/** A new map without `keys` (keys it does not hold are ignored); each touched bucket is copied once. */
export function deleteEntries<Value>(map: PersistentMap<Value>, keys: Iterable<string>): PersistentMap<Value> {
  const buckets = [...map.buckets];
  const copied = new Map<number, Map<string, Value>>();
  let size = map.size;
  for (const key of keys) {
    const index = bucketOf(key);
    if (!(buckets[index]?.has(key) ?? false)) continue;
    let bucket = copied.get(index);
    if (bucket === undefined) {
      bucket = new Map(buckets[index] ?? []);
      buckets[index] = bucket;
      copied.set(index, bucket);
    }
    bucket.delete(key);
    size -= 1;
  }
  return { size, buckets };
}

/** Every value, in no particular order: callers sort what they show. */
export function valuesOf<Value>(map: PersistentMap<Value>): Value[] {
  const values: Value[] = [];
  for (const bucket of map.buckets) if (bucket !== undefined) values.push(...bucket.values());
  return values;
}
