// The train worker's contract (re-exported by workers/api.ts): DreamBooth-LoRA on a folder of
// images, the aesthetic predictor on rated images. Types only. Training runs in the background
// of the worker: start* returns at once, the page polls status() for the loss curve and asks
// pause() / stop(); checkpoints live in IndexedDB, so a paused or interrupted run resumes.

import type { CheckpointSummary, CurvePoint } from '../../pipelines/train/dreambooth/checkpoint.ts';
import type { DreamBoothConfig } from '../../pipelines/train/dreambooth/config.ts';
import type { HeadName } from '../../pipelines/train/predictor/architecture.ts';
import type { EpochReport } from '../../pipelines/train/predictor/train.ts';
import type { RatingSource } from '../../pipelines/train/predictor/prepare.ts';
import type { SdFile } from '../generate/types.ts';

export type { CheckpointSummary, CurvePoint, DreamBoothConfig, EpochReport, HeadName, RatingSource };

/** A file of a picked or dropped folder, with its path inside it ("photos/dog_1.jpg"). */
export interface TrainFile {
  file: File;
  path: string;
}

export interface DatasetPreviewItem {
  path: string;
  caption: string;
  captionSource: 'txt' | 'caption' | 'filename';
  width: number;
  height: number;
  bucket: [number, number];
  repeats: number;
}

export interface DatasetPreview {
  items: DatasetPreviewItem[];
  entries: number;
  skipped: { path: string; reason: string }[];
  buckets: { bucket: [number, number]; images: number }[];
  signature: string;
}

export interface TrainBaseModel {
  name: string;
  description: string;
  /** Stored (catalog) or handed over this session (files). */
  ready: boolean;
  local: boolean;
}

export type LoraSettings = Partial<Omit<DreamBoothConfig, 'lora'>> & { rank?: number; alpha?: number; dropout?: number };

export interface LoraTrainRequest {
  /** A base model: a stored catalog Stable Diffusion model or one handed over with useFiles. */
  model: string;
  files: TrainFile[];
  settings?: LoraSettings;
  /** A display name for the run and its export. */
  name?: string;
}

export type RunState = 'loading' | 'training' | 'pausing' | 'paused' | 'stopped' | 'finished' | 'failed';

export interface LoraRunStatus {
  runId: string;
  name: string;
  model: string;
  state: RunState;
  step: number;
  total: number;
  /** Curve points after the `since` asked for. */
  curve: CurvePoint[];
  /** Seconds to the last step at the pace so far; null before the first step. */
  etaSeconds: number | null;
  stepsPerSecond: number | null;
  backend: 'webgpu' | 'cpu';
  /** Why the backend, and anything else the user should know. */
  notes: string[];
  error: string | null;
}

export interface PredictorPrepareRequest {
  /** A CLIP model from the catalogs (its image embeddings are what the predictor scores). */
  clipModel: string;
  files: TrainFile[];
  ratingSource: RatingSource;
}

export interface PredictorDataset {
  clipModel: string;
  count: number;
  dimensions: number;
  ratings: { min: number; max: number; mean: number };
  skipped: { path: string; reason: string }[];
}

export interface PredictorTrainRequest {
  head?: HeadName;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  validation?: number;
  seed?: number;
}

export interface PredictorStatus {
  state: 'idle' | 'preparing' | 'training' | 'finished' | 'stopped' | 'failed';
  /** Images embedded (preparing) or epochs done (training), of `total`. */
  done: number;
  total: number;
  history: EpochReport[];
  /** Rated embeddings ready to train on (0 until prepared). */
  embedded: number;
  bestEpoch: number | null;
  bestAccuracy: number | null;
  error: string | null;
}

export interface TrainStatus {
  lora: LoraRunStatus | null;
  predictor: PredictorStatus;
}

export interface ExportedFile {
  name: string;
  data: Uint8Array;
}

export interface TrainApi {
  /** Stable Diffusion models that can be trained on. */
  models(): Promise<TrainBaseModel[]>;
  /** Makes a model of ONNX files (text encoder, UNet, VAE encoder; others ignored) trainable as `name`. */
  useFiles(name: string, files: SdFile[]): Promise<TrainBaseModel>;
  /** An EveryDream scan: images, captions, repeats, buckets, files skipped and why. */
  scanDataset(files: TrainFile[], resolution: number): Promise<DatasetPreview>;
  /** Starts a run in the background (status() follows it). */
  startLora(request: LoraTrainRequest): Promise<LoraRunStatus>;
  /** Continues a stored run on the same images (the picked folder again) and base model. */
  resumeLora(runId: string, files: TrainFile[]): Promise<LoraRunStatus>;
  /** The current runs; curve points after `since`. */
  status(since?: number): Promise<TrainStatus>;
  /** Ends the current LoRA run after its step with a checkpoint; resumable. */
  pause(): Promise<LoraRunStatus | null>;
  /** As pause, then the run is over (its checkpoint stays, to export). */
  stop(): Promise<LoraRunStatus | null>;
  /** Stored checkpoints, newest first. */
  runs(): Promise<CheckpointSummary[]>;
  deleteRun(runId: string): Promise<void>;
  /** A kohya .safetensors of a stored run's adapters. */
  exportLora(runId: string, precision?: 'fp16' | 'fp32'): Promise<ExportedFile>;
  /** CLIP models the predictor can be trained on. */
  clipModels(): Promise<{ name: string; stored: boolean }[]>;
  /** Embeds rated images with a CLIP model (background; status().predictor follows it). */
  preparePredictor(request: PredictorPrepareRequest): Promise<PredictorStatus>;
  /** Trains the head on the prepared embeddings (background). */
  trainPredictor(request?: PredictorTrainRequest): Promise<PredictorStatus>;
  /** Ends embedding or training after the current image or epoch; a trained head keeps its best epoch. */
  stopPredictor(): Promise<PredictorStatus>;
  /** The best head as .safetensors, and a catalog entry that installs it on the Models page. */
  exportPredictor(name: string): Promise<{ weights: ExportedFile; catalog: ExportedFile }>;
}
