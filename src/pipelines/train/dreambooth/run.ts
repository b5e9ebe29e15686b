// A DreamBooth-LoRA run: steps over the dataset's batches, checkpoints every save_steps and when
// paused, a loss curve, and resume from a stored checkpoint to the same curve. Runs on either
// backend; the worker drives it and exports the adapters (export.ts) when asked.

import { CancelledError, InvalidInputError } from '../../../shared/errors.ts';
import type { Optimizer } from '../graph/backend.ts';
import type { LoraLayer } from '../lora/lora.ts';
import { loraParams } from '../weights/load.ts';
import { captureLoras, restore, type CheckpointStore, type CurvePoint, type LoraCheckpoint } from './checkpoint.ts';
import type { DreamBoothConfig } from './config.ts';
import { trainStep, type DreamBoothModels, type TrainBatch } from './step.ts';

export interface BatchSource {
  /** Batches in one epoch (images × multiply, bucketed and padded, over the batch size). */
  readonly batchesPerEpoch: number;
  /** The batch of global step `step` (epoch = step / batchesPerEpoch): a pure function of the step. */
  batch(step: number, signal?: AbortSignal): Promise<TrainBatch>;
}

export interface RunIdentity {
  runId: string;
  /** The user's name for the run (the export's file name). */
  name: string;
  baseModel: string;
  dataset: string;
}

export interface RunControl {
  signal?: AbortSignal;
  /** Asked between steps: true ends the run after a checkpoint (pause or stop). */
  pauseRequested?: () => boolean;
  onStep?: (point: CurvePoint, done: number, total: number) => void;
  onCheckpoint?: (checkpoint: LoraCheckpoint) => void;
}

export type RunOutcome = { status: 'finished' | 'paused'; checkpoint: LoraCheckpoint };

export function totalSteps(config: DreamBoothConfig, source: BatchSource): number {
  return config.maxTrainSteps ?? config.epochs * source.batchesPerEpoch;
}

export class DreamBoothRun<T> {
  readonly layers = new Map<string, LoraLayer<T>>();
  private readonly optimizer: Optimizer<T>;
  private readonly trained: T[];
  private step = 0;
  private curve: CurvePoint[] = [];
  private elapsedMs = 0;
  readonly total: number;

  constructor(
    private readonly models: DreamBoothModels<T>,
    private readonly source: BatchSource,
    readonly config: DreamBoothConfig,
    readonly identity: RunIdentity,
    private readonly store: CheckpointStore,
  ) {
    if (config.trainTextEncoder && !models.text) throw new InvalidInputError('Training the text encoder needs its weights; none were loaded.');
    for (const l of models.unet.loras.values()) this.layers.set(`unet:${l.module}`, l);
    if (config.trainTextEncoder && models.text) for (const l of models.text.loras.values()) this.layers.set(`text_encoder:${l.module}`, l);
    const unetParams = loraParams(models.unet.loras);
    const groups = config.trainTextEncoder && models.text ? [unetParams, loraParams(models.text.loras)] : [unetParams];
    this.trained = groups.flat();
    this.optimizer = models.backend.adamw(groups, { beta1: config.beta1, beta2: config.beta2, eps: config.epsilon, weightDecay: config.weightDecay });
    this.total = totalSteps(config, source);
  }

  /** Continues a stored run: same config, data and base model, adapters and moments restored. */
  resumeFrom(checkpoint: LoraCheckpoint): void {
    const why =
      checkpoint.baseModel !== this.identity.baseModel
        ? `was trained on ${checkpoint.baseModel}`
        : checkpoint.dataset !== this.identity.dataset
          ? 'was trained on other images'
          : JSON.stringify(checkpoint.config) !== JSON.stringify(this.config)
            ? 'has other settings'
            : null;
    if (why) throw new InvalidInputError(`Run ${checkpoint.runId} ${why}; it cannot be resumed with these. Start a new run instead.`);
    restore(this.models.backend, this.layers, checkpoint.loras, this.optimizer, checkpoint.optimizer);
    this.step = checkpoint.step;
    this.curve = [...checkpoint.curve];
    this.elapsedMs = checkpoint.elapsedMs;
  }

  get done(): number {
    return this.step;
  }

  async checkpoint(): Promise<LoraCheckpoint> {
    const checkpoint: LoraCheckpoint = {
      ...this.identity,
      step: this.step,
      totalSteps: this.total,
      config: this.config,
      backend: this.models.backend.kind,
      loras: await captureLoras(this.models.backend, this.layers.values()),
      optimizer: await this.optimizer.save(),
      curve: [...this.curve],
      elapsedMs: this.elapsedMs,
      savedAt: Date.now(),
    };
    await this.store.put(checkpoint);
    return checkpoint;
  }

  async run(control: RunControl = {}): Promise<RunOutcome> {
    const { saveSteps } = this.config;
    while (this.step < this.total) {
      if (control.signal?.aborted) throw control.signal.reason instanceof Error ? control.signal.reason : new CancelledError();
      if (control.pauseRequested?.()) return { status: 'paused', checkpoint: await this.saved(control) };
      const started = performance.now();
      const batch = await this.source.batch(this.step, control.signal);
      const point = await trainStep(this.models, this.optimizer, this.trained, this.config, batch, this.step);
      this.elapsedMs += performance.now() - started;
      this.curve.push(point);
      this.step++;
      control.onStep?.(point, this.step, this.total);
      if (saveSteps > 0 && this.step % saveSteps === 0 && this.step < this.total) await this.saved(control);
    }
    return { status: 'finished', checkpoint: await this.saved(control) };
  }

  dispose(): void {
    this.optimizer.dispose();
  }

  private async saved(control: RunControl): Promise<LoraCheckpoint> {
    const c = await this.checkpoint();
    control.onCheckpoint?.(c);
    return c;
  }
}
