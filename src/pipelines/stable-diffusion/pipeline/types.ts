// The Stable Diffusion pipeline's contracts: the model runners it is handed (the worker makes them
// from sessions, tests from onnxruntime directly or from plain functions), what it is asked for,
// and what it gives back. Field names are nataili's compvis.py generate() arguments in camelCase.

import type { TensorData } from '../../../runtime/tensor.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';
import type { ProgressCallback } from '../../../shared/progress.ts';
import type { Tokenize } from '../prompt/chunks.ts';
import type { TextEncoderFamily } from '../prompt/emphasis.ts';
import type { SigmaOverride } from '../schedulers/karras.ts';
import type { Prediction } from '../schedulers/types.ts';

/** One ONNX graph as a function: named tensors in, named tensors out. */
export type ModelRun = (feeds: Record<string, TensorData>) => Promise<Record<string, TensorData>>;

/** What differs between UNet exports, read from the graph (onnx/describe.ts). */
export interface UNetInfo {
  /** 4 (txt2img/img2img), 5 (SD 2 depth), 7 (x4 upscaler), 9 (inpainting). */
  inChannels: number;
  /** Diffusers' converter exports float32; older ones and Optimum int64; fp16 exports float16. */
  timestepType: 'float32' | 'int64' | 'float16';
  /** timestep's fixed length (1 or the batch), null when it follows the batch. */
  timestepLength: number | null;
  /** A batch size fixed in the graph (some web exports fix 1 or 2); null when dynamic. */
  fixedBatch: number | null;
  /** The x4 upscaler's noise level input. */
  classLabels: boolean;
}

export interface TextEncoderInfo {
  idsType: 'int32' | 'int64';
  fixedBatch: number | null;
}

export interface SdModels {
  family: TextEncoderFamily;
  prediction: Prediction;
  tokenize: Tokenize;
  textEncoder: ModelRun;
  textInfo: TextEncoderInfo;
  unet: ModelRun;
  unetInfo: UNetInfo;
  vaeDecoder: ModelRun;
  /** Needed for img2img, inpainting, depth2img and the pixel hires fix. */
  vaeEncoder?: ModelRun;
  /** MiDaS / DPT (pixel_values → predicted_depth), for depth2img. */
  depth?: ModelRun;
  /** Latent scale: 0.18215 for SD 1.x/2.x (the default). */
  vaeScale?: number;
}

export type MaskMode = 'mask' | 'invert' | 'alpha';

export interface HiresFix {
  /** The model's native size: the first pass is scaled so its shorter side is about this (512, 768 for SD 2-v). */
  nativeSize?: number;
  /** 'pixels' (nataili: decode, resize, encode) or 'latent' (bilinear on the latents, no VAE round trip). */
  upscale?: 'pixels' | 'latent';
  /** nataili: 20 steps at strength 0.2 for the second pass. */
  steps?: number;
  denoisingStrength?: number;
}

export interface GenerateRequest {
  /** nataili syntax: "positive ### negative", A1111 attention weights. */
  prompt: string;
  /** Joined to the part after "###", if any. */
  negativePrompt?: string;
  sampler?: string;
  steps?: number;
  cfgScale?: number;
  seed?: number | string | null;
  width?: number;
  height?: number;
  batchSize?: number;
  nIter?: number;
  clipSkip?: number;
  /** DDIM / ancestral eta (nataili's ddim_eta). */
  eta?: number;
  sigmaOverride?: SigmaOverride;
  initImage?: RgbaImage;
  denoisingStrength?: number;
  maskImage?: RgbaImage;
  maskMode?: MaskMode;
  hiresFix?: boolean | HiresFix;
  tiling?: boolean;
  /** Side of the square image handed to the depth model (DPT: 384). */
  depthSize?: number;
}

export interface GeneratedImage {
  seed: number;
  image: RgbaImage;
  /** The safety checker found NSFW content; the image is black. */
  censored: boolean;
}

export interface GenerateResult {
  images: GeneratedImage[];
  /** What actually ran, where it differs from the request (SD 2 forces dpmsolver, …). */
  sampler: string;
  mode: 'txt2img' | 'img2img' | 'inpainting' | 'depth2img';
  /** Things a user should know: ignored settings and why. */
  notes: string[];
}

/** Checks images as nataili's filter_nsfw does; the worker supplies it when the setting is on. */
export type SafetyCheck = (images: RgbaImage[]) => Promise<{ images: RgbaImage[]; censored: boolean[] }>;

export interface PipelineOptions {
  signal?: AbortSignal;
  /** step, preview (latent→RGB of the current estimate) and tile events. */
  onProgress?: ProgressCallback;
  safety?: SafetyCheck;
  /** Previews cost a little CPU per step; off in benchmarks. */
  previews?: boolean;
}
