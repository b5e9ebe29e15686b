// Catalogs the user added (from a URL or a file), kept in the cache's meta store so they survive a
// reload, an idle worker being released, and reach the short-lived download workers too. Only the
// entries that passed validation are kept; they are validated again when read back.
//
// Keys: "catalog:<added-at, 15 digits>:<source, URI-encoded>", so key order is the order catalogs
// were added in (a later catalog's entry replaces an earlier one of the same name), and the list
// of keys alone tells a worker whether another worker or tab changed the set.

import type { ModelCache } from '../../managers/cache.ts';
import type { CatalogEntry } from '../../managers/catalog/schema.ts';

const PREFIX = 'catalog:';

export interface StoredCatalog {
  key: string;
  source: string;
  addedAt: number;
  /** nataili's shape: entries keyed by model name. */
  entries: Record<string, unknown>;
}

function sourceOf(key: string): { source: string; addedAt: number } {
  const rest = key.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  return { addedAt: Number(rest.slice(0, colon)), source: decodeURIComponent(rest.slice(colon + 1)) };
}

/** Keys of the stored catalogs, oldest first. */
export async function userCatalogKeys(cache: ModelCache): Promise<string[]> {
  return (await cache.meta.keys()).filter((key) => key.startsWith(PREFIX)).sort();
}

export async function readUserCatalogs(cache: ModelCache, keys: string[]): Promise<StoredCatalog[]> {
  const catalogs: StoredCatalog[] = [];
  for (const key of keys) {
    const text = await cache.meta.get(key);
    if (text === undefined) continue;
    try {
      const entries = JSON.parse(text) as unknown;
      if (entries && typeof entries === 'object' && !Array.isArray(entries)) catalogs.push({ key, ...sourceOf(key), entries: entries as Record<string, unknown> });
    } catch {
      // Written by us as JSON; a record that no longer parses is dropped rather than breaking the list.
      await cache.meta.delete(key);
    }
  }
  return catalogs;
}

/** Keeps the accepted entries of a catalog; adding the same source again replaces its earlier copy. */
export async function saveUserCatalog(cache: ModelCache, source: string, entries: CatalogEntry[], now = Date.now()): Promise<void> {
  await forgetUserCatalog(cache, source);
  const key = `${PREFIX}${String(now).padStart(15, '0')}:${encodeURIComponent(source)}`;
  await cache.meta.put(key, JSON.stringify(Object.fromEntries(entries.map((entry) => [entry.name, entry]))));
}

export async function forgetUserCatalog(cache: ModelCache, source: string): Promise<boolean> {
  const keys = (await userCatalogKeys(cache)).filter((key) => sourceOf(key).source === source);
  for (const key of keys) await cache.meta.delete(key);
  return keys.length > 0;
}
