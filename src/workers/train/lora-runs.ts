// The LoRA run the train worker is doing, in the background of the worker: started by one call,
// followed by status() polls, ended by pause() or stop() between two steps (after a checkpoint).
// Handlers return at once, so the worker's job queue stays free for those calls.

import { scanDataset, type DatasetFile, type ScannedDataset } from '../../pipelines/train/dataset/scan.ts';
import { EveryDreamSchedule } from '../../pipelines/train/dataset/schedule.ts';
import type { CheckpointStore, LoraCheckpoint } from '../../pipelines/train/dreambooth/checkpoint.ts';
import { dreamBoothConfig, type DreamBoothConfig } from '../../pipelines/train/dreambooth/config.ts';
import { DreamBoothRun } from '../../pipelines/train/dreambooth/run.ts';
import { exportLora } from '../../pipelines/train/lora/export.ts';
import { decodeImage } from '../../shared/image/decode.ts';
import { NotFoundError } from '../../managers/errors.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { workerSettings } from '../expose.ts';
import { assemble, trainBackend } from './assemble.ts';
import { baseModel } from './models.ts';
import type { DatasetPreview, ExportedFile, LoraRunStatus, LoraTrainRequest, TrainFile } from './types.ts';

/** Buckets in steps of 64 pixels (8 latent pixels, SD's three downsamplings); 16 below 256 (the tiny fixture). */
const multipleFor = (resolution: number) => (resolution >= 256 ? 64 : 16);

export async function scan(files: readonly TrainFile[], resolution: number): Promise<ScannedDataset & DatasetPreview> {
  const scanned = await scanDataset(files.map((f): DatasetFile => ({ path: f.path, file: f.file })), { resolution, multiple: multipleFor(resolution) });
  return { ...scanned, items: scanned.items.map((i) => ({ ...i, bucket: [i.bucket[0], i.bucket[1]] })), buckets: scanned.buckets.map((b) => ({ ...b, bucket: [b.bucket[0], b.bucket[1]] })) };
}

function configOf(request: LoraTrainRequest): DreamBoothConfig {
  const { rank, alpha, dropout, ...rest } = request.settings ?? {};
  const r = rank ?? 4;
  return dreamBoothConfig({ ...rest, lora: { rank: r, alpha: alpha ?? r, ...(dropout === undefined ? {} : { dropout }) } });
}

interface Current {
  status: LoraRunStatus;
  pauseWanted: boolean;
  stopWanted: boolean;
  finished: Promise<void>;
  started: number;
  stepsAtStart: number;
}

export class LoraRuns {
  private current: Current | null = null;

  constructor(private readonly store: CheckpointStore) {}

  async start(request: LoraTrainRequest, resume?: LoraCheckpoint): Promise<LoraRunStatus> {
    if (this.current && ['loading', 'training', 'pausing'].includes(this.current.status.state)) {
      throw new InvalidInputError(`Run "${this.current.status.name}" is still training: pause or stop it first.`);
    }
    const config = resume?.config ?? configOf(request);
    const dataset = await scan(request.files, config.resolution);
    if (dataset.items.length === 0) throw new InvalidInputError(`No images in these files (${IMAGE_HINT}).`);
    if (resume && resume.dataset !== dataset.signature) throw new InvalidInputError(`Run ${resume.runId} was trained on other images; pick the same folder to resume it.`);
    const runId = resume?.runId ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    const name = resume?.name ?? (request.name?.trim() || 'lora');
    const { backend, notes, done: releaseBuffers } = await trainBackend(workerSettings().backend);
    const status: LoraRunStatus = { runId, name, model: request.model, state: 'loading', step: resume?.step ?? 0, total: 0, curve: resume?.curve ?? [], etaSeconds: null, stepsPerSecond: null, backend: backend.kind, notes, error: null };
    const current: Current = { status, pauseWanted: false, stopWanted: false, finished: Promise.resolve(), started: performance.now(), stepsAtStart: status.step };
    this.current = current;
    const files = new Map(request.files.map((f) => [f.path.replace(/\\/g, '/').replace(/^\/+/, ''), f.file]));
    current.finished = (async () => {
      // Undone in reverse order however far the start got.
      const cleanup: (() => unknown)[] = [releaseBuffers];
      try {
        const model = await baseModel(request.model);
        cleanup.unshift(() => model.done());
        const models = await assemble(backend, model, config, workerSettings().backend);
        cleanup.unshift(() => models.release());
        const schedule = new EveryDreamSchedule(dataset.items, config, async (item, signal) => (await decodeImage(files.get(item.path)!, { signal })).image);
        const run = new DreamBoothRun(models, schedule, config, { runId, name, baseModel: request.model, dataset: dataset.signature }, this.store);
        cleanup.unshift(() => run.dispose());
        if (resume) run.resumeFrom(resume);
        status.total = run.total;
        status.state = 'training';
        current.started = performance.now();
        current.stepsAtStart = run.done;
        const outcome = await run.run({
          pauseRequested: () => current.pauseWanted,
          onStep: (point, done, total) => {
            status.curve.push(point);
            status.step = done;
            const rate = (done - current.stepsAtStart) / ((performance.now() - current.started) / 1000);
            status.stepsPerSecond = rate;
            status.etaSeconds = rate > 0 ? (total - done) / rate : null;
          },
        });
        status.state = outcome.status === 'finished' ? 'finished' : current.stopWanted ? 'stopped' : 'paused';
      } finally {
        for (const undo of cleanup) await undo();
      }
    })().catch((error: unknown) => {
      status.state = 'failed';
      status.error = error instanceof Error ? error.message : String(error);
    });
    return this.snapshot(0)!;
  }

  async resume(runId: string, files: TrainFile[]): Promise<LoraRunStatus> {
    const checkpoint = await this.store.get(runId);
    if (!checkpoint) throw new NotFoundError(`No stored run ${runId}.`);
    if (checkpoint.step >= checkpoint.totalSteps) throw new InvalidInputError(`Run ${runId} has finished all ${checkpoint.totalSteps} steps; export it instead.`);
    return this.start({ model: checkpoint.baseModel, files, name: checkpoint.name }, checkpoint);
  }

  snapshot(since = 0): LoraRunStatus | null {
    if (!this.current) return null;
    const { status } = this.current;
    return { ...status, curve: status.curve.slice(since), notes: [...status.notes] };
  }

  /** Asks the run to stop after its step (a checkpoint is saved), and waits for it. */
  async pause(stop = false): Promise<LoraRunStatus | null> {
    const current = this.current;
    if (!current) return null;
    if (['loading', 'training'].includes(current.status.state)) {
      current.pauseWanted = true;
      current.stopWanted = stop;
      current.status.state = 'pausing';
    } else if (stop && current.status.state === 'paused') current.status.state = 'stopped';
    await current.finished;
    return this.snapshot(0);
  }

  async export(runId: string, precision: 'fp16' | 'fp32' = 'fp16'): Promise<ExportedFile> {
    const checkpoint = await this.store.get(runId);
    if (!checkpoint) throw new NotFoundError(`No stored run ${runId}.`);
    const name = checkpoint.name.replace(/[^\w.-]+/g, '_');
    const data = exportLora(checkpoint.loras, { config: checkpoint.config, baseModel: checkpoint.baseModel, steps: checkpoint.step, name, precision });
    return { name: `${name}.safetensors`, data };
  }
}

const IMAGE_HINT = '.jpg, .jpeg, .png, .bmp, .webp or .jfif, in the folder or below it';
