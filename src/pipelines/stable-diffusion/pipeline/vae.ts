// The VAE: pixels in [-1, 1] to scaled latents and back. One image per run: the decoder's
// activations at 512² take about a gigabyte, and a batch of them does not fit every GPU.
// Port of CompVis get_first_stage_encoding / decode_first_stage as diffusers' ONNX pipelines
// run them (scale 0.18215; the exported encoder returns a sample of the posterior, the tiny test
// fixture its mean).

import { float32 } from '../../../runtime/tensor.ts';
import { NatailiError } from '../../../shared/errors.ts';
import { tensorToImage } from '../../../shared/image/normalize.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';
import { throwIfAborted } from '../../../shared/progress.ts';
import { LATENT_CHANNELS, SD_VAE_SCALE, VAE_FACTOR, wrapPad } from './latents.ts';
import type { ModelRun } from './types.ts';

export interface VaeModels {
  vaeEncoder?: ModelRun;
  vaeDecoder: ModelRun;
  vaeScale?: number;
}

/** [B, 3, H, W] in [-1, 1] → [B, 4, H/8, W/8] scaled latents. */
export async function encodeImages(models: VaeModels, pixels: Float32Array, images: number, height: number, width: number, signal?: AbortSignal): Promise<Float32Array> {
  if (!models.vaeEncoder) throw new NatailiError('model', 'This model has no VAE encoder, which image-to-image needs. Pick a model that ships vae_encoder.');
  const scale = models.vaeScale ?? SD_VAE_SCALE;
  const perImage = 3 * height * width;
  const latentSize = LATENT_CHANNELS * (height / VAE_FACTOR) * (width / VAE_FACTOR);
  const out = new Float32Array(images * latentSize);
  for (let i = 0; i < images; i++) {
    throwIfAborted(signal);
    const { latent_sample: latent } = await models.vaeEncoder({ sample: float32(pixels.slice(i * perImage, (i + 1) * perImage), [1, 3, height, width]) });
    if (!latent || latent.data.length !== latentSize) throw new NatailiError('model', `The VAE encoder returned ${latent?.data.length ?? 0} values, expected ${latentSize}.`);
    const data = latent.data as Float32Array;
    for (let k = 0; k < latentSize; k++) out[i * latentSize + k] = data[k]! * scale;
  }
  return out;
}

export interface DecodeOptions {
  signal?: AbortSignal;
  /**
   * Decode with the latent padded circularly by this many latent pixels and crop the result, so
   * the decoder's own zero padding does not put a seam at the edges of a tiling image.
   */
  wrapPad?: number;
  /** Pixels per latent pixel: 8 for SD, 4 for the x4 upscaler's VAE. */
  factor?: number;
}

/** Scaled latents [B, 4, h, w] → one RGBA image each. */
export async function decodeLatents(models: VaeModels, latents: Float32Array, images: number, h: number, w: number, options: DecodeOptions = {}): Promise<RgbaImage[]> {
  const scale = models.vaeScale ?? SD_VAE_SCALE;
  const pad = options.wrapPad ?? 0;
  const factor = options.factor ?? VAE_FACTOR;
  const perImage = LATENT_CHANNELS * h * w;
  const out: RgbaImage[] = [];
  for (let i = 0; i < images; i++) {
    throwIfAborted(options.signal);
    let latent: Float32Array = latents.slice(i * perImage, (i + 1) * perImage).map((v) => v / scale);
    if (pad) latent = wrapPad(latent, LATENT_CHANNELS, h, w, pad);
    const ph = h + 2 * pad;
    const pw = w + 2 * pad;
    const { sample } = await models.vaeDecoder({ latent_sample: float32(latent, [1, LATENT_CHANNELS, ph, pw]) });
    if (!sample) throw new NatailiError('model', 'The VAE decoder gave no "sample" output.');
    const [, , outH, outW] = sample.dims as [number, number, number, number];
    if (outH !== ph * factor || outW !== pw * factor) throw new NatailiError('model', `The VAE decoder returned ${outW}×${outH} for a ${pw}×${ph} latent; expected ×${factor}.`);
    const image = tensorToImage({ data: sample.data as Float32Array, dims: [1, 3, outH, outW] }, { range: '-1..1' });
    out.push(pad ? cropRgba(image, pad * factor, w * factor, h * factor) : image);
  }
  return out;
}

function cropRgba(image: RgbaImage, offset: number, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const start = ((y + offset) * image.width + offset) * 4;
    data.set(image.data.subarray(start, start + width * 4), y * width * 4);
  }
  return { width, height, data };
}
