import DataLoader from 'dataloader';
import { notFound } from '../../errors/index.js';

/**
 * Orders `rows` to match `keys` for a DataLoader batch function: one value per key, in key
 * order, or a NOT_FOUND error where no row has that key.
 */
export function byKey<K, V>(
  keys: readonly K[],
  rows: readonly V[],
  keyOf: (row: V) => K,
  missing: (key: K) => Error = (key) => notFound(`No object with key ${String(key)}`),
): (V | Error)[] {
  const index = new Map<K, V>();
  for (const row of rows) index.set(keyOf(row), row);
  return keys.map((key) => index.get(key) ?? missing(key));
}

/** Groups `rows` by key for one-to-many batches: a (possibly empty) list per key, in key order. */
export function groupByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** A loader that fetches many keys in one call; missing keys resolve to `null`. */
export function nullableLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]> | readonly V[],
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const index = new Map<K, V>();
    for (const row of rows) index.set(keyOf(row), row);
    return keys.map((key) => index.get(key) ?? null);
  });
}

/** A loader of one-to-many relations: one call for all parents, a list per parent. */
export function groupLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]> | readonly V[],
  keyOf: (row: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => groupByKey(keys, await fetch(keys), keyOf));
}

export { DataLoader };
