// The Gallery page's state, the one call other pages make to keep a result (addToGallery), and the
// hand-off of generation parameters to the Generate page ("Use parameters").
import type { GalleryImportResult, GalleryItem, GenerationParameters, NewResult } from '../../workers/api.ts';
import { workers } from '../../workers/client.ts';
import { GALLERY_CHANNEL } from '../../workers/gallery/channel.ts';
import { Failure } from './failure.svelte.ts';
import { saveBlob } from './save-file.ts';

/**
 * Keeps a result in the gallery (one IndexedDB transaction). Call it once per image as soon as the
 * image exists, so a tab closed later loses nothing. Buffers are copied, never moved: the calling
 * page keeps showing its pixels. Rejects with QuotaError (code 'quota') when storage is full.
 */
export function addToGallery(result: NewResult): Promise<GalleryItem> {
  return workers.call('gallery', 'addResult', [result], { transfer: 'none' });
}

const HANDOFF_KEY = 'nataili-web:generate-parameters';

/** Leaves `params` for the Generate page, which takes them with takeHandedOffParameters() on mount. */
export function handOffParameters(params: GenerationParameters): void {
  sessionStorage.setItem(HANDOFF_KEY, JSON.stringify(params));
}

/** The parameters "Use parameters" left for the Generate page, once; null when there are none. */
export function takeHandedOffParameters(): GenerationParameters | null {
  const text = sessionStorage.getItem(HANDOFF_KEY);
  sessionStorage.removeItem(HANDOFF_KEY);
  if (!text) return null;
  try {
    const value = JSON.parse(text) as GenerationParameters;
    return typeof value === 'object' && value !== null && typeof value.prompt === 'string' && Array.isArray(value.extra) ? value : null;
  } catch {
    return null;
  }
}

export interface GalleryEntry extends GalleryItem {
  /** Object URL of the thumbnail; revoked when the entry leaves the page. */
  thumbUrl: string;
}

const PAGE = 48;

function importSummary(result: GalleryImportResult): string {
  const parts = [`Imported ${result.added} result${result.added === 1 ? '' : 's'}`];
  if (result.skipped > 0) parts.push(`${result.skipped} already in the gallery`);
  if (result.rejected.length > 0) parts.push(`${result.rejected.length} refused: ${result.rejected.map((entry) => `${entry.name} (${entry.reason})`).join('; ')}`);
  return `${parts.join(', ')}.`;
}

export class GalleryState {
  items: GalleryEntry[] = $state([]);
  total = $state(0);
  search = $state('');
  loading = $state(false);
  busy: 'export' | 'import' | null = $state(null);
  message: string | null = $state(null);
  /** The last failure (a full quota, an unreadable file), shown by the page's ErrorAlert. */
  readonly failure = new Failure();

  get error(): string | null {
    return this.failure.message;
  }
  set error(message: string | null) {
    this.failure.say(message);
  }

  private shown = PAGE;
  private readonly urls = new Map<string, string>();
  private channel: BroadcastChannel | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | null = null;
  private again = false;

  /** Lists the first page and follows changes made anywhere (this tab's other pages, other tabs). */
  start(): void {
    this.channel = new BroadcastChannel(GALLERY_CHANNEL);
    this.channel.onmessage = () => void this.refresh();
    void this.refresh();
  }

  stop(): void {
    this.channel?.close();
    this.channel = null;
    clearTimeout(this.searchTimer);
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }

  /** Re-reads what is shown; calls arriving meanwhile collapse into one more read. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.read();
      } while (this.again);
      this.refreshing = null;
    })();
    return this.refreshing;
  }

  private async read(): Promise<void> {
    this.loading = true;
    try {
      const page = await workers.call('gallery', 'list', [{ search: this.search, limit: this.shown }]);
      const keep = new Set(page.items.map((item) => item.id));
      for (const [id, url] of this.urls) {
        if (!keep.has(id)) {
          URL.revokeObjectURL(url);
          this.urls.delete(id);
        }
      }
      this.items = page.items.map((item) => {
        let url = this.urls.get(item.id);
        if (!url) this.urls.set(item.id, (url = URL.createObjectURL(item.thumbnail)));
        return { ...item, thumbUrl: url };
      });
      this.total = page.total;
    } catch (error) {
      this.failure.show(error, { page: 'gallery' });
    } finally {
      this.loading = false;
    }
  }

  /** Search as the user types, once they pause. */
  searchChanged(): void {
    clearTimeout(this.searchTimer);
    this.shown = PAGE;
    this.searchTimer = setTimeout(() => void this.refresh(), 200);
  }

  more(): Promise<void> {
    this.shown += PAGE;
    return this.refresh();
  }

  async download(item: GalleryItem): Promise<void> {
    await this.attempt(async () => {
      const file = await workers.call('gallery', 'download', [item.id]);
      saveBlob(file.blob, file.name);
    });
  }

  async remove(item: GalleryItem): Promise<void> {
    await this.attempt(async () => {
      await workers.call('gallery', 'remove', [item.id]);
      this.message = 'Deleted the result.';
      await this.refresh();
    });
  }

  /** Leaves the generation parameters for the Generate page and goes there. */
  useParameters(item: GalleryItem): void {
    if (!item.params.generation) return;
    handOffParameters(item.params.generation);
    location.hash = '#/generate';
  }

  async exportAll(): Promise<void> {
    this.busy = 'export';
    await this.attempt(async () => {
      const file = await workers.call('gallery', 'exportZip', []);
      saveBlob(file.blob, file.name);
      this.message = `Exported ${file.count} result${file.count === 1 ? '' : 's'} as ${file.name}.`;
    });
    this.busy = null;
  }

  async importFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    this.busy = 'import';
    await this.attempt(async () => {
      this.message = importSummary(await workers.call('gallery', 'importFiles', [files]));
    });
    this.busy = null;
    await this.refresh();
  }

  private async attempt(job: () => Promise<void>): Promise<void> {
    this.error = null;
    this.message = null;
    try {
      await job();
    } catch (error) {
      this.failure.show(error, { page: 'gallery' });
    }
  }
}
