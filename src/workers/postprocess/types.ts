// The post-process worker's contract (Real-ESRGAN upscaling, GFPGAN / CodeFormer face
// restoration). Types only; re-exported by ../api.ts. Images go in as the file the user picked (decoded
// in the worker) or as RGBA pixels; results come back as PNG, encoded in the worker.

import type { Backend } from '../../runtime/backend-choice.ts';
import type { RgbaImage } from '../../shared/image/types.ts';

/** An image for the post-process worker: a picked, dropped or pasted file (decoded there), or pixels. */
export type ImageSource = Blob | RgbaImage;

export type PostProcessModelType = 'esrgan' | 'gfpgan' | 'codeformer' | 'face_detector';

/** A catalog model the Post-process page can offer. */
export interface PostProcessModel {
  name: string;
  type: PostProcessModelType;
  description: string;
  /** Shipped with the app: installed from its own (offline-cached) files on first use. */
  builtin: boolean;
  /** Stored in IndexedDB and verified. */
  stored: boolean;
  /** Bytes to download; null when the catalog does not say. */
  size: number | null;
  /** An upscaler's factor as its name states it ("x4"); the worker measures the real one. */
  scale: number | null;
  /** The tile padding a job with this upscaler uses unless it asks for another; null for other types. */
  tilePad: number | null;
}

export interface TileOptions {
  /** Core tile side in input pixels; 0 runs the whole image at once. Default: 256 on WebGPU, 128 on WASM. */
  tileSize?: number;
  /** Real image context around each tile, in input pixels. Default: the model's catalog tile_pad, else 16. */
  tilePad?: number;
  /** 'png' (default) encodes in the worker; 'rgba' returns the pixels instead (tests, benchmarks). */
  output?: 'png' | 'rgba';
}

export interface UpscaleRequest extends TileOptions {
  /** An esrgan model. */
  model: string;
  /** The result's factor; the model's own when omitted (3 from a 4× model resamples its output). */
  outscale?: number;
}

export interface RestoreRequest extends TileOptions {
  /** A gfpgan or codeformer model. */
  model: string;
  /** A face_detector model; the first stored one (else the catalog's first) when omitted. */
  detector?: string;
  /** How much of the restored face replaces the original, 0..1 (GFPGAN's strength; default 1). */
  strength?: number;
  /** CodeFormer's fidelity w: 0 favours quality, 1 the input's identity (default 0.5). */
  fidelity?: number;
  /** An esrgan model that upscales the background before the faces are restored at the new size. */
  upscaler?: string;
  /** The background's factor with an upscaler; the upscaler's own when omitted. */
  outscale?: number;
  /** Faces scoring below this are ignored (default: the detector's own threshold). */
  scoreThreshold?: number;
}

export interface PostProcessResult {
  width: number;
  height: number;
  /** The result as PNG (output 'png'), alpha kept. */
  png: Blob | null;
  /** The result's pixels (output 'rgba'). */
  pixels: RgbaImage | null;
  /** What the user should know: no face found, an animation's first frame used, CMYK converted. */
  notices: string[];
  backend: Backend;
  /** Why that backend, as the runtime explains it. */
  reason: string;
  /** Tiles the upscaler ran (alpha passes included); 0 without an upscaler. */
  tiles: number;
  /** The largest image tensor handed to the upscaler, [height, width]: the memory bound. */
  largestTile: [number, number] | null;
  /** Faces found and restored (restoreFaces). */
  faces: number;
  /** Milliseconds spent decoding, getting models ready (install included), running them, encoding. */
  timings: { decode: number; load: number; run: number; encode: number };
}

/** The post-process worker: Real-ESRGAN upscaling and GFPGAN / CodeFormer face restoration. */
export interface PostProcessApi {
  /** Upscalers, face restorers and face detectors of the catalogs, with what is stored. */
  models(): Promise<PostProcessModel[]>;
  /** Downloads (or installs, for a built-in model) one model, reporting download progress. */
  download(name: string): Promise<void>;
  upscale(image: ImageSource, request: UpscaleRequest): Promise<PostProcessResult>;
  /** Restores every face found; an image without one comes back unchanged with a notice. */
  restoreFaces(image: ImageSource, request: RestoreRequest): Promise<PostProcessResult>;
}
