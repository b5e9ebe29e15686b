// A training run's resumable state: the adapters' weights, AdamW's moments and step count, the
// loss curve so far. Everything else a step draws derives from (seed, step), so restoring these
// and continuing at `step` repeats the uninterrupted run. Stored by a CheckpointStore (IndexedDB
// in the train worker, memory in tests).

import type { HostArray, Optimizer, OptimizerState, TrainBackend } from '../graph/backend.ts';
import type { LoraComponent, LoraLayer } from '../lora/lora.ts';
import type { DreamBoothConfig } from './config.ts';

export interface StoredLora {
  component: LoraComponent;
  module: string;
  inFeatures: number;
  outFeatures: number;
  down: HostArray;
  up: HostArray;
}

export interface CurvePoint {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

export interface LoraCheckpoint {
  runId: string;
  name: string;
  /** Steps done: the next step to run. */
  step: number;
  totalSteps: number;
  config: DreamBoothConfig;
  /** The base model trained on (a catalog or handed-over model name). */
  baseModel: string;
  /** Names the dataset (file paths and sizes): a resume checks it is the same data. */
  dataset: string;
  backend: 'webgpu' | 'cpu';
  loras: StoredLora[];
  optimizer: OptimizerState;
  curve: CurvePoint[];
  /** Training time so far, pauses excluded. */
  elapsedMs: number;
  savedAt: number;
}

export type CheckpointSummary = Omit<LoraCheckpoint, 'loras' | 'optimizer'> & { modules: number };

export interface CheckpointStore {
  put(checkpoint: LoraCheckpoint): Promise<void>;
  get(runId: string): Promise<LoraCheckpoint | undefined>;
  list(): Promise<CheckpointSummary[]>;
  delete(runId: string): Promise<void>;
}

export function summarize(c: LoraCheckpoint): CheckpointSummary {
  const { loras, optimizer: _optimizer, ...rest } = c;
  return { ...rest, modules: loras.length };
}

export class MemoryCheckpointStore implements CheckpointStore {
  private readonly runs = new Map<string, LoraCheckpoint>();

  async put(checkpoint: LoraCheckpoint): Promise<void> {
    // A deep copy, as IndexedDB's structured clone makes one.
    this.runs.set(checkpoint.runId, structuredClone(checkpoint));
  }

  async get(runId: string): Promise<LoraCheckpoint | undefined> {
    const found = this.runs.get(runId);
    return found ? structuredClone(found) : undefined;
  }

  async list(): Promise<CheckpointSummary[]> {
    return [...this.runs.values()].map(summarize);
  }

  async delete(runId: string): Promise<void> {
    this.runs.delete(runId);
  }
}

export async function captureLoras<T>(backend: TrainBackend<T>, layers: Iterable<LoraLayer<T>>): Promise<StoredLora[]> {
  const out: StoredLora[] = [];
  for (const l of layers) {
    out.push({ component: l.component, module: l.module, inFeatures: l.inFeatures, outFeatures: l.outFeatures, down: await backend.read(l.down), up: await backend.read(l.up) });
  }
  return out;
}

/** Writes stored adapter weights into live adapters of the same modules, and the optimizer state. */
export function restore<T>(backend: TrainBackend<T>, layers: ReadonlyMap<string, LoraLayer<T>>, stored: readonly StoredLora[], optimizer: Optimizer<T>, state: OptimizerState): void {
  for (const s of stored) {
    const live = layers.get(`${s.component}:${s.module}`);
    if (!live) throw new Error(`The checkpoint has an adapter for ${s.module}, which this model lacks.`);
    backend.write(live.down, s.down);
    backend.write(live.up, s.up);
  }
  optimizer.load(state);
}
