// Settings → Storage: what the browser reports (usage, quota, persistence), the gallery's share,
// and clearing each kind of stored data through the worker that owns it.
import type { GalleryUsage } from '../../../workers/api.ts';
import { workers } from '../../../workers/client.ts';

export type ClearKind = 'models' | 'embeddings' | 'gallery';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class StorageState {
  usage: number | null = $state(null);
  quota: number | null = $state(null);
  persisted: boolean | null = $state(null);
  gallery: GalleryUsage | null = $state(null);
  clearing: ClearKind | null = $state(null);
  message: string | null = $state(null);
  error: string | null = $state(null);

  async refresh(): Promise<void> {
    const storage = navigator.storage as StorageManager | undefined;
    try {
      const [estimate, persisted, gallery] = await Promise.all([
        storage?.estimate?.() ?? Promise.resolve(null),
        storage?.persisted?.() ?? Promise.resolve(false),
        workers.call('gallery', 'usage', []),
      ]);
      this.usage = estimate?.usage ?? null;
      this.quota = estimate?.quota ?? null;
      this.persisted = persisted;
      this.gallery = gallery;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Asks the browser to keep the app's data under storage pressure (Chromium grants it to installed or engaged sites). */
  async persist(): Promise<void> {
    const granted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
    this.persisted = granted;
    this.message = granted
      ? 'Storage is now persistent: the browser will not delete models or results to free space.'
      : 'The browser did not grant persistent storage. Installing the app, or using it more, usually makes it grant it.';
  }

  async clear(kind: ClearKind): Promise<void> {
    this.clearing = kind;
    this.error = null;
    this.message = null;
    try {
      this.message = await clearers[kind]();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.clearing = null;
      await this.refresh();
    }
  }
}

const clearers: Record<ClearKind, () => Promise<string>> = {
  // Through the Models worker's own remove, so its locks and records stay consistent; then a sweep
  // takes any piece an interrupted download left behind.
  async models() {
    const listing = await workers.call('models', 'list', []);
    const stored = listing.groups.flatMap((group) => group.models).filter((model) => model.variants.some((variant) => variant.stored || variant.partialBytes > 0));
    for (const model of stored) await workers.call('models', 'remove', [model.name]);
    await workers.call('models', 'sweep', []);
    return stored.length === 0 ? 'No models were stored.' : `Removed ${stored.length} model${stored.length === 1 ? '' : 's'}.`;
  },
  async embeddings() {
    await workers.call('gallery', 'clearEmbeddings', []);
    return 'Cleared the embedding cache; interrogation fills it again as it works.';
  },
  async gallery() {
    const count = await workers.call('gallery', 'clear', []);
    return `Deleted ${count} result${count === 1 ? '' : 's'} from the gallery.`;
  },
};
