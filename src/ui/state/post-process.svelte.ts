import { isCancelled } from '../../shared/errors.ts';
import type { Backend, PostProcessModel, PostProcessResult, ProgressEvent, RestoreRequest, UpscaleRequest } from '../../workers/api.ts';
import { workers } from '../../workers/client.ts';
import { parametersFromPng } from '../../shared/png/index.ts';
import { Failure } from './failure.svelte.ts';
import type { RecoveryAction } from './recovery.ts';
import { addToGallery } from './gallery.svelte.ts';

export type Operation = 'upscale' | 'restore';

/** What the progress bar shows: a fraction when one is known, always a sentence. */
export interface ProgressView {
  text: string;
  value: number | null;
  max: number | null;
}

export interface ResultView {
  url: string;
  fileName: string;
  width: number;
  height: number;
  notices: string[];
  summary: string;
}

/** The default upscaler: built in (installs offline), small and fast. */
export const DEFAULT_UPSCALER = 'realesr-animevideov3-x4';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

export function sizeLabel(model: PostProcessModel): string {
  return model.size === null ? 'size not published' : mb(model.size);
}

function progressView(event: ProgressEvent, current: ProgressView | null): ProgressView | null {
  switch (event.kind) {
    case 'download': {
      const total = event.overallTotal || event.total;
      const loaded = event.overallLoaded ?? event.loaded;
      const what = event.model ?? event.file;
      return total ? { text: `Getting ${what} ready: ${mb(loaded)} of ${mb(total)}`, value: loaded, max: total } : { text: `Getting ${what} ready: ${mb(loaded)}`, value: null, max: null };
    }
    case 'load':
      return { text: `Loading ${event.model} (${event.backend === 'webgpu' ? 'WebGPU' : 'WASM'})`, value: null, max: null };
    case 'tile':
      return { text: `Tile ${event.index} of ${event.count}`, value: event.index, max: event.count };
    case 'step':
      return { text: `Face ${event.index} of ${event.count} restored`, value: event.index, max: event.count };
    case 'done':
      return { text: 'Finishing', value: null, max: null };
    default:
      return current;
  }
}

function baseName(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name) || 'image';
}

/** The Post-process page's state: the picked image, the choices, one job at a time and its result. */
export class PostProcessState {
  models: PostProcessModel[] = $state([]);
  operation: Operation = $state('upscale');
  file: File | null = $state(null);
  inputUrl: string | null = $state(null);
  upscaler = $state(DEFAULT_UPSCALER);
  restorer = $state('');
  detector = $state('');
  /** The background upscaler when restoring faces; '' for none. */
  background = $state('');
  scale = $state(4);
  strength = $state(1);
  fidelity = $state(0.5);
  /** Core tile side; null lets the worker choose by backend, 0 runs the whole image at once. */
  tileSize: number | null = $state(null);
  /** Context around each tile; null uses the upscaler's own (its catalog tile_pad, else 16). */
  tilePad: number | null = $state(null);
  running = $state(false);
  progress: ProgressView | null = $state(null);
  result: ResultView | null = $state(null);
  /** The last failure, with its ways on (again, with smaller tiles, on the CPU); shown in an alert region. */
  readonly failure = new Failure();
  /** The last notice that is not a failure (cancelled, downloaded). */
  message: string | null = $state(null);
  /** Models being downloaded from this page, with their progress. */
  downloading: Record<string, ProgressView | null> = $state({});

  private controller: AbortController | null = null;
  /** The backend the running job loaded its model on: it picks the tile to halve from after an out-of-memory. */
  private ranOn: Backend | null = null;

  get error(): string | null {
    return this.failure.message;
  }
  set error(message: string | null) {
    this.failure.say(message);
  }

  get upscalers(): PostProcessModel[] {
    return this.models.filter((m) => m.type === 'esrgan');
  }
  get restorers(): PostProcessModel[] {
    return this.models.filter((m) => m.type === 'gfpgan' || m.type === 'codeformer');
  }
  get detectors(): PostProcessModel[] {
    return this.models.filter((m) => m.type === 'face_detector');
  }
  get restorerType(): 'gfpgan' | 'codeformer' | null {
    const type = this.models.find((m) => m.name === this.restorer)?.type;
    return type === 'gfpgan' || type === 'codeformer' ? type : null;
  }
  /** The models this job needs that must be downloaded first (built-in ones install on their own). */
  get missing(): PostProcessModel[] {
    const names = this.operation === 'upscale' ? [this.upscaler] : [this.restorer, this.detector, this.background];
    return this.models.filter((m) => names.includes(m.name) && !m.stored && !m.builtin);
  }

  async loadModels(): Promise<void> {
    try {
      this.models = await workers.call('postprocess', 'models', []);
      this.restorer ||= this.restorers.find((m) => m.stored)?.name ?? this.restorers[0]?.name ?? '';
      this.detector ||= this.detectors.find((m) => m.stored)?.name ?? this.detectors[0]?.name ?? '';
    } catch (error) {
      this.failure.show(error, { page: 'post-process' }, () => this.loadModels());
    }
  }

  /** The model's own factor as the default scale, when the user picks another upscaler. */
  pickUpscaler(name: string): void {
    this.upscaler = name;
    this.scale = this.models.find((m) => m.name === name)?.scale ?? this.scale;
  }

  pickBackground(name: string): void {
    this.background = name;
    if (name) this.scale = this.models.find((m) => m.name === name)?.scale ?? this.scale;
  }

  setFile(file: File): void {
    if (this.inputUrl) URL.revokeObjectURL(this.inputUrl);
    this.file = file;
    this.inputUrl = URL.createObjectURL(file);
    this.clearResult();
    this.error = null;
    this.message = null;
  }

  clearResult(): void {
    if (this.result) URL.revokeObjectURL(this.result.url);
    this.result = null;
  }

  async run(): Promise<void> {
    if (!this.file || this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = true;
    this.failure.clear();
    this.message = null;
    this.ranOn = null;
    this.progress = { text: 'Starting', value: null, max: null };
    const tiles = { ...(this.tileSize === null ? {} : { tileSize: this.tileSize }), ...(this.tilePad === null ? {} : { tilePad: this.tilePad }) };
    const onProgress = (event: ProgressEvent) => {
      if (event.kind === 'load') this.ranOn = event.backend === 'wasm' ? 'wasm' : 'webgpu';
      this.progress = progressView(event, this.progress);
    };
    const options = { signal: controller.signal, onProgress };
    try {
      let result: PostProcessResult;
      let suffix: string;
      if (this.operation === 'upscale') {
        const request: UpscaleRequest = { model: this.upscaler, outscale: this.scale, ...tiles };
        result = await workers.call('postprocess', 'upscale', [this.file, request], options);
        suffix = `${this.upscaler}-x${this.scale}`;
      } else {
        const request: RestoreRequest = { model: this.restorer, detector: this.detector, strength: this.strength, fidelity: this.fidelity, ...tiles };
        if (this.background) Object.assign(request, { upscaler: this.background, outscale: this.scale });
        result = await workers.call('postprocess', 'restoreFaces', [this.file, request], options);
        suffix = `${this.restorer}-restored`;
      }
      this.show(result, `${baseName(this.file.name)}-${suffix}.png`);
      void this.keep(result, this.file);
    } catch (error) {
      if (isCancelled(error)) this.message = 'Cancelled.';
      else this.failRun(error);
    } finally {
      this.running = false;
      this.progress = null;
      this.controller = null;
      // A built-in model may have been installed by this job.
      void this.loadModels();
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  /**
   * A failed job's alert. The retry runs the page's settings (the same image and choices, unless
   * the user changed them since); the smaller-tiles way sets the tile field, so the form shows it.
   */
  private failRun(error: unknown): void {
    const adjust = (action: RecoveryAction) => {
      if (action.id === 'smaller-tiles') this.tileSize = action.tileSize;
    };
    this.failure.show(error, { page: 'post-process', tileSize: this.tileSize, ranOn: this.ranOn }, () => this.run(), adjust);
  }

  async download(name: string): Promise<void> {
    this.failure.clear();
    this.downloading[name] = null;
    try {
      await workers.call('postprocess', 'download', [name], { onProgress: (event) => (this.downloading[name] = progressView(event, this.downloading[name] ?? null)) });
      this.message = `${name} is downloaded and ready.`;
    } catch (error) {
      this.failure.show(error, { page: 'post-process' }, () => this.download(name));
    } finally {
      delete this.downloading[name];
      await this.loadModels();
    }
  }

  /**
   * Keeps the result in the gallery with the model and settings that made it, and the source's
   * generation parameters when it was a generated PNG. A full disk is reported; the result stays here.
   */
  private async keep(result: PostProcessResult, source: File): Promise<void> {
    if (!result.png) return;
    const upscale = this.operation === 'upscale';
    const settings: Record<string, number | string> = upscale ? { 'Upscale by': this.scale } : { Strength: this.strength };
    if (!upscale && this.restorerType === 'codeformer') settings.Fidelity = this.fidelity;
    if (!upscale && this.background) Object.assign(settings, { 'Background upscaler': this.background, 'Upscale by': this.scale });
    const generation = parametersFromPng(await source.arrayBuffer()) ?? undefined;
    try {
      await addToGallery({ kind: upscale ? 'upscale' : 'restore', image: result.png, params: { process: { model: upscale ? this.upscaler : this.restorer, settings }, ...(generation ? { generation } : {}) } });
    } catch (error) {
      this.message = `${this.message ?? ''} Not saved to the gallery: ${error instanceof Error ? error.message : String(error)}`.trim();
    }
  }

  private show(result: PostProcessResult, fileName: string): void {
    this.clearResult();
    if (!result.png) return;
    const seconds = (result.timings.decode + result.timings.load + result.timings.run + result.timings.encode) / 1000;
    const parts = [`${result.width}×${result.height}`];
    if (this.operation === 'restore') parts.push(`${result.faces} face${result.faces === 1 ? '' : 's'}`);
    if (result.tiles > 0 && result.largestTile) parts.push(`${result.tiles} tile${result.tiles === 1 ? '' : 's'} of ${result.largestTile[1]}×${result.largestTile[0]}`);
    parts.push(result.backend === 'webgpu' ? 'WebGPU' : 'WASM', `${seconds.toFixed(1)} s`);
    this.result = { url: URL.createObjectURL(result.png), fileName, width: result.width, height: result.height, notices: result.notices, summary: parts.join(' · ') };
    this.message = [`Done: ${this.result.summary}.`, ...result.notices].join(' ');
  }
}
