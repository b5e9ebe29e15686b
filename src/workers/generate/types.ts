// The generate worker's contract (re-exported by workers/api.ts): Stable Diffusion txt2img,
// img2img, inpainting, depth2img, the x4 upscaler, LoRAs. Types only; images cross as RgbaImage
// (their pixel buffers are transferred, not copied).

import type { GenerateRequest, MaskMode } from '../../pipelines/stable-diffusion/pipeline/types.ts';
import type { UpscaleRequest } from '../../pipelines/stable-diffusion/upscaler/upscale.ts';
import type { BackendOverride } from '../../runtime/backend-choice.ts';
import type { RgbaImage } from '../../shared/image/types.ts';

export type { GenerateRequest, MaskMode, UpscaleRequest as SdUpscaleRequest };

export type SdModelKind = 'txt2img' | 'inpainting' | 'depth' | 'upscaler';

export interface SdModelInfo {
  name: string;
  description: string;
  /** What the model is for: inferred from the catalog (inpainting) or from its UNet's inputs. */
  kind: SdModelKind;
  baseline: string;
  /** Stored in IndexedDB (catalog models) or handed over this session (model files). */
  ready: boolean;
  /** Handed over with useFiles rather than downloaded from the catalog. */
  local: boolean;
}

/** One file of a model the user picked: ONNX graphs (their role is read from their inputs) and external-data files. */
export interface SdFile {
  name: string;
  data: Uint8Array;
}

export interface UseFilesOptions {
  /** 'sd1' (CLIP ViT-L, 768) or 'sd2' (OpenCLIP ViT-H, 1024); by default from the text encoder's width. */
  family?: 'sd1' | 'sd2';
  prediction?: 'epsilon' | 'v';
  /** Latent scale; 0.18215 (0.08333 for the x4 upscaler). */
  vaeScale?: number;
}

export interface LoraInfo {
  name: string;
  /** Modules of the LoRA for each component. */
  unetModules: number;
  textEncoderModules: number;
  /** Tensors in no known naming dialect. */
  ignored: string[];
}

export interface LoraUse {
  name: string;
  /** nataili's strength_model (default 1). */
  strength?: number;
  /** nataili's strength_clip (default: strength). */
  clipStrength?: number;
}

export interface JobSettings {
  model: string;
  loras?: LoraUse[];
  /** Run nataili's safety checker on every image (black image + censored when flagged); default: the Settings page's choice. */
  safetyCheck?: boolean;
  /** The depth model for depth2img; the catalog's first by default. */
  depthModel?: string;
  /** A backend for this job only (tests, benchmarks); otherwise the Settings backend. */
  backend?: BackendOverride;
  /** Step previews (latent → RGB); on by default. */
  previews?: boolean;
}

export type GenerateJob = GenerateRequest & JobSettings;

export interface GenerateJobImage {
  seed: number;
  image: RgbaImage;
  censored: boolean;
}

export interface JobReport {
  /** The backend the UNet ran on, and why. */
  backend: string;
  reason: string;
  notes: string[];
  /** LoRA modules merged and skipped. */
  lora: { merged: number; skipped: string[] };
  /** Milliseconds: getting models ready (sessions, LoRA), and the whole job. */
  ms: { load: number; total: number };
}

export interface GenerateJobResult extends JobReport {
  images: GenerateJobImage[];
  sampler: string;
  mode: 'txt2img' | 'img2img' | 'inpainting' | 'depth2img';
}

export type UpscaleJob = UpscaleRequest & JobSettings & { image: RgbaImage };

export interface UpscaleJobResult extends JobReport {
  image: RgbaImage;
  seed: number;
}

export interface GenerateApi {
  /** Stable Diffusion models: the catalog's (stored or not) and those handed over with useFiles. */
  models(): Promise<SdModelInfo[]>;
  /** Makes a model of ONNX files (text encoder, UNet, VAE decoder/encoder, optionally depth and safety checker) usable as `name`. */
  useFiles(name: string, files: SdFile[], options?: UseFilesOptions): Promise<SdModelInfo>;
  /** Keeps a .safetensors LoRA (kohya or diffusers names) for later jobs. */
  addLora(name: string, data: Uint8Array): Promise<LoraInfo>;
  generate(job: GenerateJob): Promise<GenerateJobResult>;
  upscale(job: UpscaleJob): Promise<UpscaleJobResult>;
}
