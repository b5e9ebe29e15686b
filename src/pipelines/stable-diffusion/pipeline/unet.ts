// The UNet as the samplers see it (schedulers/types.ts UNet: latents and a timestep in, guided
// output out): classifier-free guidance over one [uncond…, cond…] batch, the extra input channels
// of inpainting, depth and upscaler UNets concatenated after the latents, the timestep in the
// export's dtype, batches split where an export fixed its batch size, and the seamless-tiling
// roll. Port of the conditioning half of nataili's CFGDenoiser / CompVis apply_model (c_concat).

import { float32, tensor, type TensorData } from '../../../runtime/tensor.ts';
import { toHalf } from '../../../runtime/float16.ts';
import { NatailiError } from '../../../shared/errors.ts';
import { classifierFreeGuidance } from '../schedulers/cfg.ts';
import type { UNet } from '../schedulers/types.ts';
import { rollPlanes } from './latents.ts';
import type { ModelRun, UNetInfo } from './types.ts';

export interface UNetCall {
  run: ModelRun;
  info: UNetInfo;
  /** Images in the batch (B); the network sees 2B. */
  batch: number;
  latentHeight: number;
  latentWidth: number;
  /** Per image, tokens × dims, already repeated for the batch: B copies, image after image. */
  cond: Float32Array;
  uncond: Float32Array;
  /** Tokens per image (77 per prompt chunk). */
  sequence: number;
  hiddenSize: number;
  cfgScale: number;
  /** Channels concatenated after the latents, [B, k, h, w] (mask + masked latents, depth, low-res image). */
  extra?: { data: Float32Array; channels: number };
  /** Upscaler noise level, one per image. */
  classLabels?: number;
  /** Seamless tiling: the latent is rolled by a different offset on each call (see latents.ts). */
  tiling?: boolean;
}

function timestepFeed(info: UNetInfo, t: number, count: number): TensorData {
  const length = info.timestepLength ?? count;
  // Integer exports cannot take k-diffusion's fractional timesteps: the nearest training step
  // is what k-diffusion's own quantize=True would pick.
  if (info.timestepType === 'int64') return tensor('int64', new BigInt64Array(length).fill(BigInt(Math.round(t))), [length]);
  if (info.timestepType === 'float16') return tensor('float16', new Uint16Array(length).fill(toHalf(t)), [length]);
  return float32(new Float32Array(length).fill(t), [length]);
}

/** [n, 4 + k, h, w]: each image's latents, then its extra channels. */
function assembleSample(latents: Float32Array, extra: UNetCall['extra'], images: number, plane: number): Float32Array {
  if (!extra) return latents;
  const channels = 4 + extra.channels;
  const out = new Float32Array(images * channels * plane);
  const batch = extra.data.length / (extra.channels * plane);
  for (let i = 0; i < images; i++) {
    out.set(latents.subarray(i * 4 * plane, (i + 1) * 4 * plane), i * channels * plane);
    const source = i % batch; // the uncond half reuses the same image's extra channels
    out.set(extra.data.subarray(source * extra.channels * plane, (source + 1) * extra.channels * plane), (i * channels + 4) * plane);
  }
  return out;
}

/** The guided UNet for the samplers. */
export function guidedUNet(call: UNetCall): UNet {
  const { run, info, batch, latentHeight: h, latentWidth: w, sequence, hiddenSize } = call;
  const plane = h * w;
  const contextPerImage = sequence * hiddenSize;
  if (call.cond.length !== batch * contextPerImage || call.uncond.length !== batch * contextPerImage) {
    throw new NatailiError('internal', `conditioning holds ${call.cond.length} values, expected ${batch}×${sequence}×${hiddenSize}`);
  }
  const context = new Float32Array(2 * batch * contextPerImage);
  context.set(call.uncond, 0);
  context.set(call.cond, batch * contextPerImage);
  const channels = 4 + (call.extra?.channels ?? 0);
  let calls = 0;

  const runSlice = async (sample: Float32Array, first: number, count: number, t: number): Promise<Float32Array> => {
    const feeds: Record<string, TensorData> = {
      sample: float32(sample.subarray(first * channels * plane, (first + count) * channels * plane), [count, channels, h, w]),
      timestep: timestepFeed(info, t, count),
      encoder_hidden_states: float32(context.subarray(first * contextPerImage, (first + count) * contextPerImage), [count, sequence, hiddenSize]),
    };
    if (info.classLabels) feeds['class_labels'] = tensor('int64', new BigInt64Array(count).fill(BigInt(Math.round(call.classLabels ?? 0))), [count]);
    const out = (await run(feeds))['out_sample'];
    if (!out) throw new NatailiError('model', 'The UNet gave no out_sample output. Check that the model is a diffusers-style ONNX export.');
    return out.data as Float32Array;
  };

  return classifierFreeGuidance(async (latents, t) => {
    const images = 2 * batch;
    // Seamless tiling, the latent-roll approach: each call sees the latent shifted by a different
    // offset, so the image's wrap-around edges meet in the middle of the canvas on alternate
    // steps and are denoised as neighbours. The output is shifted back.
    const shift = call.tiling ? rollOffset(calls, h, w) : null;
    calls++;
    const input = shift ? rollPlanes(latents, images * 4, h, w, shift.dy, shift.dx) : latents;
    const extra = shift && call.extra ? { channels: call.extra.channels, data: rollPlanes(call.extra.data, batch * call.extra.channels, h, w, shift.dy, shift.dx) } : call.extra;
    const sample = assembleSample(input, extra, images, plane);
    const step = info.fixedBatch ?? images;
    if (images % step !== 0) throw new NatailiError('model', `This UNet export has a fixed batch of ${step}; ${images} latents cannot be split into such batches.`);
    const output = new Float32Array(images * 4 * plane);
    for (let first = 0; first < images; first += step) output.set(await runSlice(sample, first, step, t), first * 4 * plane);
    return shift ? rollPlanes(output, images * 4, h, w, -shift.dy, -shift.dx) : output;
  }, call.cfgScale);
}

/** Offsets cycle through none, half height, half width, both. */
function rollOffset(call: number, h: number, w: number): { dy: number; dx: number } {
  const phase = call % 4;
  return { dy: phase & 1 ? h >> 1 : 0, dx: phase & 2 ? w >> 1 : 0 };
}
