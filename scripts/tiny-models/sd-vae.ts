// Mirrors diffusers scripts/convert_stable_diffusion_checkpoint_to_onnx.py vae_encoder/model.onnx
// (sample → latent_sample) and vae_decoder/model.onnx (latent_sample → sample). Both work in
// unscaled latents: the pipeline multiplies by 0.18215 after encoding and divides before decoding.

import { conv2d, downsampleAsymmetric, groupNorm, resnetBlock, upsampleConv } from '../onnx/conv.ts';
import { Net, silu } from '../onnx/net.ts';
import { spatialSelfAttention } from '../onnx/spatial.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface SdVaeOptions extends SeedOption {
  /** Block width (128/256/512/512 in SD's VAE). */
  channels?: number;
  groups?: number;
}

const LATENT_CHANNELS = 4;
/** Three 2× stages: 8× between image and latent, as in SD. */
const STAGES = 3;

function midBlock(n: Net, x: string, c: number, groups: number): string {
  const h = spatialSelfAttention(n, resnetBlock(n, x, c, c, groups), c, groups);
  return resnetBlock(n, h, c, c, groups);
}

/**
 * sample float32 [batch, 3, height, width] in [-1, 1] (height, width multiples of 8) →
 * latent_sample float32 [batch, 4, height/8, width/8].
 * The real export samples the posterior (mean + std·noise); this fixture returns the mean so its
 * output is deterministic.
 */
export function buildSdVaeEncoder(o: SdVaeOptions = {}): Uint8Array {
  const c = o.channels ?? 8;
  const groups = o.groups ?? 4;
  const n = new Net('sd_vae_encoder', o.seed ?? DEFAULT_SEED);
  const sample = n.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  let h = conv2d(n, sample, 3, c, 3);
  for (let i = 0; i < STAGES; i++) h = downsampleAsymmetric(n, resnetBlock(n, h, c, c, groups), c);
  h = midBlock(n, resnetBlock(n, h, c, c, groups), c, groups);
  const moments = conv2d(n, conv2d(n, silu(n, groupNorm(n, h, c, groups, 1e-6)), c, 2 * LATENT_CHANNELS, 3), 2 * LATENT_CHANNELS, 2 * LATENT_CHANNELS, 1);
  const mean = n.op('Slice', [moments, n.ints([0]), n.ints([LATENT_CHANNELS]), n.ints([1])]);
  n.output(mean, 'latent_sample', 'float32', ['batch', LATENT_CHANNELS, 'height/8', 'width/8']);
  return n.bytes();
}

/** latent_sample float32 [batch, 4, height, width] → sample float32 [batch, 3, 8·height, 8·width], about [-1, 1]. */
export function buildSdVaeDecoder(o: SdVaeOptions = {}): Uint8Array {
  const c = o.channels ?? 8;
  const groups = o.groups ?? 4;
  const n = new Net('sd_vae_decoder', o.seed ?? DEFAULT_SEED);
  const latent = n.input('latent_sample', 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  const postQuant = conv2d(n, latent, LATENT_CHANNELS, LATENT_CHANNELS, 1);
  let h = midBlock(n, conv2d(n, postQuant, LATENT_CHANNELS, c, 3), c, groups);
  for (let i = 0; i < STAGES; i++) h = upsampleConv(n, resnetBlock(n, h, c, c, groups), c);
  h = resnetBlock(n, h, c, c, groups);
  const out = conv2d(n, silu(n, groupNorm(n, h, c, groups, 1e-6)), c, 3, 3);
  n.output(out, 'sample', 'float32', ['batch', 3, 'height*8', 'width*8']);
  return n.bytes();
}
