// The Generate page's state: the settings, the model list, the init image and mask, the running
// job's progress and preview, and the results with the parameters that made them. Owned by the
// app (not the page), so a job goes on while the user looks at another page.
import { isCancelled } from '../../shared/errors.ts';
import { Failure } from './failure.svelte.ts';
import type { RecoveryAction } from './recovery.ts';
import type { GenerationParameters } from '../../shared/png/parameters.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import type { GenerateJob, GenerateJobResult, LoraUse, ProgressEvent, SdFile, SdModelInfo } from '../../workers/api.ts';
import { workers } from '../../workers/client.ts';
import { DEFAULT_PARAMS, SAMPLERS, SIZES, type GenerateParams } from '../features/generate/options.ts';
import { rgbaToUrl } from '../features/generate/pixels.ts';

export interface Progress {
  run: number;
  runs: number;
  step: number;
  steps: number;
  /** Seconds left, from the steps so far; null until two steps are done. */
  eta: number | null;
}

export interface Preview {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export interface GenerateResult {
  id: string;
  url: string;
  image: RgbaImage;
  seed: number;
  censored: boolean;
  mode: GenerateJobResult['mode'];
  params: GenerationParameters;
}

export interface LoraEntry {
  name: string;
  strength: number;
  modules: number;
}

let nextId = 1;

export class GenerateState {
  params: GenerateParams = $state({ ...DEFAULT_PARAMS });
  models: SdModelInfo[] = $state([]);
  initImage: RgbaImage | null = $state(null);
  initUrl: string | null = $state(null);
  /** White where the picture is repainted (the mask painter's output); null without strokes. */
  mask: RgbaImage | null = $state(null);
  loras: LoraEntry[] = $state([]);
  running = $state(false);
  progress: Progress | null = $state(null);
  preview: Preview | null = $state(null);
  results: GenerateResult[] = $state([]);
  notes: string[] = $state([]);
  /** The last failure, with its ways on (run the job again, smaller, or on the CPU). */
  readonly failure = new Failure();
  message: string | null = $state(null);

  get error(): string | null {
    return this.failure.message;
  }
  set error(message: string | null) {
    this.failure.say(message);
  }

  private controller: AbortController | null = null;
  /**
   * The files of models and LoRAs opened here (File handles, not their bytes): they live in the
   * worker's memory, so a fresh worker after a crash is handed them again before a retry.
   */
  private readonly opened = new Map<string, File[]>();
  private readonly loraFiles = new Map<string, File>();
  private stepTimes: number[] = [];
  /** Called with each result as it arrives; by default the gallery worker stores it with its parameters. */
  onResult: ((result: GenerateResult) => void | Promise<void>) | null = (result) => this.saveToGallery(result);

  /**
   * Fills the form from generation parameters (the Gallery's "Use parameters", a PNG's A1111 text):
   * what this page offers is taken, the rest is named in the status line.
   */
  useParameters(p: GenerationParameters): void {
    const next: GenerateParams = { ...this.params, prompt: p.prompt, negativePrompt: p.negativePrompt };
    const skipped: string[] = [];
    if (p.sampler !== undefined) {
      if ((SAMPLERS as readonly string[]).includes(p.sampler)) next.sampler = p.sampler;
      else skipped.push(`sampler ${p.sampler}`);
    }
    if (p.steps !== undefined && p.steps >= 1) next.steps = p.steps;
    if (p.cfgScale !== undefined) next.cfgScale = p.cfgScale;
    if (typeof p.seed === 'number' && Number.isSafeInteger(p.seed) && p.seed >= 0) next.seed = p.seed;
    else if (p.seed !== undefined) skipped.push(`seed ${p.seed}`);
    for (const side of ['width', 'height'] as const) {
      const value = p[side];
      if (value === undefined) continue;
      if ((SIZES as readonly number[]).includes(value)) next[side] = value;
      else skipped.push(`${side} ${value}`);
    }
    if (p.denoisingStrength !== undefined) next.denoisingStrength = p.denoisingStrength;
    if (p.clipSkip !== undefined && p.clipSkip >= 1) next.clipSkip = p.clipSkip;
    if (p.model !== undefined) {
      if (this.models.some((m) => m.name === p.model && m.ready)) next.model = p.model;
      else skipped.push(`model ${p.model} (not available here)`);
    }
    this.params = next;
    this.message = `Settings filled in from the image's parameters${skipped.length ? `; not used: ${skipped.join(', ')}` : ''}.`;
  }

  async loadModels(): Promise<void> {
    try {
      this.models = await workers.call('generate', 'models', []);
      const ready = this.models.filter((m) => m.ready && m.kind !== 'upscaler');
      if (!ready.some((m) => m.name === this.params.model)) this.params.model = ready[0]?.name ?? '';
    } catch (error) {
      this.fail(error);
    }
  }

  /** Makes picked ONNX files (and their external-data files) a usable model. */
  async openFiles(files: File[]): Promise<void> {
    try {
      const folder = (files[0] as File & { webkitRelativePath?: string }).webkitRelativePath?.split('/')[0];
      const name = folder || `Local model ${this.models.filter((m) => m.local).length + 1}`;
      const sdFiles: SdFile[] = await Promise.all(files.map(async (file) => ({ name: file.name, data: new Uint8Array(await file.arrayBuffer()) })));
      const info = await workers.call('generate', 'useFiles', [name, sdFiles]);
      this.opened.set(info.name, [...files]);
      await this.loadModels();
      this.params.model = info.name;
      this.message = `${info.name} is ready (${info.kind}).`;
    } catch (error) {
      this.fail(error);
    }
  }

  async addLora(file: File): Promise<void> {
    try {
      const name = file.name.replace(/\.safetensors$/i, '');
      const info = await workers.call('generate', 'addLora', [name, new Uint8Array(await file.arrayBuffer())]);
      this.loraFiles.set(name, file);
      this.loras = [...this.loras.filter((l) => l.name !== name), { name, strength: 1, modules: info.unetModules + info.textEncoderModules }];
    } catch (error) {
      this.fail(error);
    }
  }

  removeLora(name: string): void {
    this.loras = this.loras.filter((l) => l.name !== name);
  }

  async setInitImage(image: RgbaImage | null): Promise<void> {
    if (this.initUrl) URL.revokeObjectURL(this.initUrl);
    this.initImage = image;
    this.initUrl = image ? await rgbaToUrl(image) : null;
    this.mask = null;
  }

  /** The settings as a job for the worker. */
  job(): GenerateJob {
    const p = this.params;
    const loras: LoraUse[] = this.loras.map((l) => ({ name: l.name, strength: l.strength }));
    return {
      model: p.model,
      prompt: p.prompt,
      negativePrompt: p.negativePrompt,
      sampler: p.sampler,
      steps: p.steps,
      cfgScale: p.cfgScale,
      seed: p.seed,
      width: p.width,
      height: p.height,
      batchSize: p.batchSize,
      nIter: p.nIter,
      clipSkip: p.clipSkip,
      hiresFix: p.hiresFix,
      tiling: p.tiling,
      loras,
      ...(this.initImage ? { initImage: this.initImage, denoisingStrength: p.denoisingStrength } : {}),
      ...(this.initImage && this.mask ? { maskImage: this.mask, maskMode: 'mask' as const } : {}),
    };
  }

  /** Runs the page's settings, or a job again (a retry keeps the job it failed with). */
  async generate(job: GenerateJob = this.job(), reopen = false): Promise<void> {
    if (this.running) return;
    this.failure.clear();
    this.message = null;
    this.notes = [];
    this.running = true;
    this.preview = null;
    this.progress = null;
    this.stepTimes = [];
    const controller = (this.controller = new AbortController());
    try {
      if (reopen) await this.reopen(job);
      // 'none': the init image and mask stay usable for the next job.
      const result = await workers.call('generate', 'generate', [job], { signal: controller.signal, onProgress: (e) => this.onProgress(e), transfer: 'none' });
      this.notes = result.notes;
      this.message = `${result.images.length} image${result.images.length === 1 ? '' : 's'} in ${(result.ms.total / 1000).toFixed(1)} s on ${result.backend}.`;
      for (const image of result.images) await this.addResult(image.image, image.seed, image.censored, result, job);
    } catch (error) {
      if (isCancelled(error)) this.message = 'Cancelled.';
      else this.failJob(error, job);
    } finally {
      this.running = false;
      this.progress = null;
      this.controller = null;
    }
  }

  /** A failed job's alert: Try again (handing a fresh worker the opened files), smaller, on the CPU. */
  private failJob(error: unknown, job: GenerateJob): void {
    let retried = job;
    const adjust = (action: RecoveryAction) => {
      if (action.id !== 'smaller-image') return;
      retried = { ...job, batchSize: action.batchSize, width: action.width, height: action.height };
      // The form shows what the retry runs with.
      Object.assign(this.params, { batchSize: action.batchSize, width: action.width, height: action.height });
    };
    this.failure.show(error, { page: 'generate', image: { batchSize: job.batchSize ?? 1, width: job.width ?? this.params.width, height: job.height ?? this.params.height } }, () => this.generate(retried, true), adjust);
  }

  /** Hands the job's opened model and LoRA files to the worker again: a crashed worker's successor has none. */
  private async reopen(job: GenerateJob): Promise<void> {
    const files = this.opened.get(job.model);
    if (files) {
      const sdFiles: SdFile[] = await Promise.all(files.map(async (file) => ({ name: file.name, data: new Uint8Array(await file.arrayBuffer()) })));
      await workers.call('generate', 'useFiles', [job.model, sdFiles]);
    }
    for (const lora of job.loras ?? []) {
      const file = this.loraFiles.get(lora.name);
      if (file) await workers.call('generate', 'addLora', [lora.name, new Uint8Array(await file.arrayBuffer())]);
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  dismissError(): void {
    this.failure.clear();
  }

  private async addResult(image: RgbaImage, seed: number, censored: boolean, result: GenerateJobResult, job: GenerateJob): Promise<void> {
    const params: GenerationParameters = {
      prompt: job.prompt,
      negativePrompt: job.negativePrompt ?? '',
      steps: job.steps,
      sampler: result.sampler,
      cfgScale: job.cfgScale,
      seed,
      width: job.width,
      height: job.height,
      model: job.model,
      ...(job.initImage ? { denoisingStrength: job.denoisingStrength } : {}),
      clipSkip: job.clipSkip,
      extra: [['Mode', result.mode], ...(job.loras?.length ? [['Lora', job.loras.map((l) => `${l.name}:${l.strength}`).join(' ')] as [string, string]] : [])],
    };
    const entry: GenerateResult = { id: `r${nextId++}`, url: await rgbaToUrl(image), image, seed, censored, mode: result.mode, params };
    this.results = [entry, ...this.results];
    await this.onResult?.(entry);
  }

  /** Censored images stay out of the gallery; a full disk is reported, the result stays on the page. */
  private async saveToGallery(result: GenerateResult): Promise<void> {
    if (result.censored) return;
    try {
      await workers.call('gallery', 'addResult', [{ kind: 'generate', image: result.image, params: { generation: result.params } }], { transfer: 'none' });
    } catch (error) {
      this.message = `Kept here, but not saved to the gallery: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private onProgress(event: ProgressEvent): void {
    if (event.kind === 'preview') this.preview = { width: event.width, height: event.height, rgba: event.rgba };
    else if (event.kind === 'tile') {
      this.progress = { run: event.index + 1, runs: event.count, step: 0, steps: this.progress?.steps ?? 0, eta: null };
      this.stepTimes = [];
    } else if (event.kind === 'step') {
      this.stepTimes.push(performance.now());
      const times = this.stepTimes;
      const perStep = times.length >= 2 ? (times[times.length - 1]! - times[0]!) / (times.length - 1) / 1000 : null;
      const run = this.progress?.run ?? 1;
      const runs = this.progress?.runs ?? 1;
      const left = event.count - event.index + (runs - run) * event.count;
      this.progress = { run, runs, step: event.index, steps: event.count, eta: perStep === null ? null : Math.round(left * perStep) };
    }
  }

  /** A failure outside a job (listing, opening files): its message, and Dismiss. */
  private fail(error: unknown): void {
    this.failure.show(error, { page: 'generate' });
  }
}
