// The Train page's LoRA state: the base model, the picked folder and its EveryDream preview, the
// settings (nataili's defaults), the run the train worker is doing (polled while it trains, its
// loss curve gathered here), stored runs, and exports (downloaded, or handed to Generate).
import { saveBlob } from './save-file.ts';
import { NATAILI_DREAMBOOTH_DEFAULTS } from '../../shared/dreambooth-defaults.ts';
import type { CheckpointSummary, CurvePoint, DatasetPreview, LoraRunStatus, LoraSettings, TrainBaseModel, TrainFile } from '../../workers/api.ts';
import { workers } from '../../workers/client.ts';
import { Guarded } from './guarded.svelte.ts';

export interface LoraForm {
  rank: number;
  alpha: number;
  dropout: number;
  learningRate: number;
  textLearningRate: number;
  steps: number;
  batchSize: number;
  resolution: number;
  seed: number;
  trainTextEncoder: boolean;
  saveSteps: number;
  captionDropout: number;
  flipP: number;
  warmup: boolean;
  lrWarmupSteps: number;
}

const nataili = NATAILI_DREAMBOOTH_DEFAULTS;

/** nataili's DreamBooth-LoRA defaults (1000 steps as its example run). */
export const LORA_DEFAULTS: LoraForm = {
  ...nataili.lora,
  learningRate: nataili.learningRate,
  textLearningRate: nataili.textLearningRate,
  steps: 1000,
  batchSize: nataili.batchSize,
  resolution: nataili.resolution,
  seed: nataili.seed,
  trainTextEncoder: nataili.trainTextEncoder,
  saveSteps: nataili.saveSteps,
  captionDropout: nataili.captionDropout,
  flipP: nataili.flipP,
  warmup: nataili.lrScheduler === 'constant_with_warmup',
  lrWarmupSteps: nataili.lrWarmupSteps,
};

const ACTIVE = new Set(['loading', 'training', 'pausing']);

/** Saves bytes as a file. */
export function download(name: string, data: Uint8Array, type = 'application/octet-stream'): void {
  saveBlob(new Blob([data.slice()], { type }), name);
}

export class TrainState extends Guarded {
  models: TrainBaseModel[] = $state([]);
  model = $state('');
  files: TrainFile[] = $state.raw([]);
  folderName = $state('');
  preview: DatasetPreview | null = $state(null);
  form: LoraForm = $state({ ...LORA_DEFAULTS });
  name = $state('my-lora');
  run: LoraRunStatus | null = $state(null);
  curve: CurvePoint[] = $state.raw([]);
  runs: CheckpointSummary[] = $state([]);

  constructor() {
    super('train');
  }

  get active(): boolean {
    return this.run !== null && ACTIVE.has(this.run.state);
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      this.models = await workers.call('train', 'models', []);
      if (!this.models.some((m) => m.name === this.model)) this.model = this.models.find((m) => m.ready)?.name ?? '';
      this.runs = await workers.call('train', 'runs', []);
      const status = await workers.call('train', 'status', [0]);
      if (status.lora) this.follow(status.lora, true);
    });
  }

  /** ONNX files of a Stable Diffusion model (unet, text_encoder, vae_encoder, vae_decoder …). */
  async useModelFiles(files: FileList | File[]): Promise<void> {
    await this.guard(async () => {
      const list = [...files];
      const sdFiles = await Promise.all(list.map(async (f) => ({ name: f.webkitRelativePath || f.name, data: new Uint8Array(await f.arrayBuffer()) })));
      const name = list.length === 1 ? list[0]!.name.replace(/\.onnx$/i, '') : (list[0]!.webkitRelativePath.split('/')[0] || 'my-model');
      const model = await workers.call('train', 'useFiles', [name, sdFiles]);
      this.models = await workers.call('train', 'models', []);
      this.model = model.name;
      this.message = `${model.name} is ready to train on.`;
    });
  }

  async setFolder(files: TrainFile[]): Promise<void> {
    this.files = files;
    this.folderName = files[0]?.path.split('/')[0] ?? '';
    await this.scan();
  }

  async scan(): Promise<void> {
    if (this.files.length === 0) return;
    await this.guard(async () => {
      this.preview = await workers.call('train', 'scanDataset', [this.files, this.form.resolution], { transfer: 'none' });
      if (this.preview.items.length === 0) this.error = 'No images in this folder (.jpg, .jpeg, .png, .bmp, .webp or .jfif).';
    });
  }

  settings(): LoraSettings {
    const f = this.form;
    return {
      rank: f.rank,
      alpha: f.alpha,
      dropout: f.dropout,
      learningRate: f.learningRate,
      textLearningRate: f.textLearningRate,
      maxTrainSteps: f.steps,
      batchSize: f.batchSize,
      resolution: f.resolution,
      seed: f.seed,
      trainTextEncoder: f.trainTextEncoder,
      saveSteps: f.saveSteps,
      captionDropout: f.captionDropout,
      flipP: f.flipP,
      lrScheduler: f.warmup ? 'constant_with_warmup' : 'constant',
      lrWarmupSteps: f.lrWarmupSteps,
    };
  }

  async start(): Promise<void> {
    await this.guard(async () => {
      const status = await workers.call('train', 'startLora', [{ model: this.model, files: this.files, settings: this.settings(), name: this.name }], { transfer: 'none' });
      this.follow(status, true);
    });
  }

  async resume(runId: string): Promise<void> {
    if (this.files.length === 0) {
      this.error = 'Pick the same folder of images first: a run resumes on the images it was trained on.';
      return;
    }
    await this.guard(async () => this.follow(await workers.call('train', 'resumeLora', [runId, this.files], { transfer: 'none' }), true));
  }

  async pause(): Promise<void> {
    await this.guard(async () => {
      const status = await workers.call('train', 'pause', []);
      if (status) this.follow(status, true);
      this.runs = await workers.call('train', 'runs', []);
    });
  }

  async stop(): Promise<void> {
    await this.guard(async () => {
      const status = await workers.call('train', 'stop', []);
      if (status) this.follow(status, true);
      this.runs = await workers.call('train', 'runs', []);
    });
  }

  async exportLora(runId: string): Promise<Uint8Array | null> {
    let data: Uint8Array | null = null;
    await this.guard(async () => {
      const file = await workers.call('train', 'exportLora', [runId, 'fp16']);
      data = file.data;
      download(file.name, file.data);
      this.message = `Saved ${file.name}.`;
    });
    return data;
  }

  /** Hands the run's LoRA to the Generate page (its own LoRA list), as if the user added the file there. */
  async useInGenerate(run: CheckpointSummary, addLora: (file: File) => Promise<void>): Promise<void> {
    await this.guard(async () => {
      const exported = await workers.call('train', 'exportLora', [run.runId, 'fp16']);
      await addLora(new File([exported.data.slice()], exported.name));
      this.message = `LoRA "${exported.name.replace(/\.safetensors$/, '')}" is on the Generate page now.`;
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.guard(async () => {
      await workers.call('train', 'deleteRun', [runId]);
      this.runs = await workers.call('train', 'runs', []);
    });
  }

  private follow(status: LoraRunStatus, whole: boolean): void {
    this.curve = whole ? status.curve : [...this.curve, ...status.curve];
    this.run = { ...status, curve: [] };
    if (status.error) this.error = `Training stopped: ${status.error}`;
    if (ACTIVE.has(status.state)) this.pollRun();
    else this.stopPolling();
  }

  /** Follows the run's status and new loss points; a failed poll's "Try again" reads the status afresh. */
  private pollRun(): void {
    this.poll(async () => {
      const status = await workers.call('train', 'status', [this.curve.length]);
      if (!status.lora) return this.stopPolling();
      this.follow(status.lora, false);
      if (!ACTIVE.has(status.lora.state)) this.runs = await workers.call('train', 'runs', []);
    }, () => this.load());
  }
}
