// The UNet forward over TrainOps, for any layout (layout.ts). Ported from diffusers'
// UNet2DConditionModel, ResnetBlock2D and Transformer2DModel / BasicTransformerBlock (SD 1.x
// configuration), which is also what scripts/tiny-models/sd-unet.ts builds in miniature.

import type { TrainOps } from '../graph/backend.ts';
import { linearOf, multiHeadAttention, param, type NamedWeights } from '../graph/blocks.ts';
import { linearWithLora, type LoraRun } from '../lora/lora.ts';
import type { UnetLayout, UnetStep } from './layout.ts';

export interface UnetWeights<T> extends NamedWeights<T> {
  layout: UnetLayout;
}

/** diffusers' get_timestep_embedding with flip_sin_to_cos and shift 0: [cos(t·f), sin(t·f)]. */
export function timestepFeatures(timesteps: readonly number[], channels: number): Float32Array {
  const half = channels / 2;
  const out = new Float32Array(timesteps.length * channels);
  timesteps.forEach((t, b) => {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp((-Math.log(10000) * i) / half);
      out[b * channels + i] = Math.cos(angle);
      out[b * channels + half + i] = Math.sin(angle);
    }
  });
  return out;
}

interface Run<T> {
  ops: TrainOps<T>;
  w: UnetWeights<T>;
  lora: LoraRun;
  /** silu(time embedding) [B, timeDim], shared by every ResNet block. */
  time: T;
  context: T;
}

function conv<T>(r: Run<T>, x: T, module: string, padding: number, stride = 1): T {
  return r.ops.conv2d(x, param(r.w, `${module}.weight`), param(r.w, `${module}.bias`), { padding, stride });
}

function norm<T>(r: Run<T>, x: T, module: string, eps: number): T {
  return r.ops.groupNorm(x, r.w.layout.groups, param(r.w, `${module}.weight`), param(r.w, `${module}.bias`), eps);
}

function resnet<T>(r: Run<T>, x: T, name: string, cin: number, cout: number): T {
  const { ops } = r;
  let h = conv(r, ops.silu(norm(r, x, `${name}.norm1`, 1e-5)), `${name}.conv1`, 1);
  const t = ops.linear(r.time, param(r.w, `${name}.time_emb_proj.weight`), param(r.w, `${name}.time_emb_proj.bias`));
  h = ops.add(h, ops.reshape(t, [...ops.shape(t), 1, 1]));
  h = conv(r, ops.silu(norm(r, h, `${name}.norm2`, 1e-5)), `${name}.conv2`, 1);
  const shortcut = cin === cout ? x : conv(r, x, `${name}.conv_shortcut`, 0);
  return ops.add(shortcut, h);
}

function layerNorm<T>(r: Run<T>, x: T, module: string): T {
  return r.ops.layerNorm(x, param(r.w, `${module}.weight`), param(r.w, `${module}.bias`), 1e-5);
}

function attention<T>(r: Run<T>, x: T, source: T, module: string, heads: number): T {
  const lin = (name: string, input: T) => linearWithLora(r.ops, input, linearOf(r.w, `${module}.${name}`), r.lora);
  const o = multiHeadAttention(r.ops, lin('to_q', x), lin('to_k', source), lin('to_v', source), heads);
  return lin('to_out.0', o);
}

function transformer<T>(r: Run<T>, x: T, name: string, heads: number): T {
  const { ops } = r;
  const [b, c, hh, ww] = ops.shape(x) as [number, number, number, number];
  const block = `${name}.transformer_blocks.0`;
  const projected = conv(r, norm(r, x, `${name}.norm`, 1e-6), `${name}.proj_in`, 0);
  let h = ops.permute(ops.reshape(projected, [b, c, hh * ww]), [0, 2, 1]);
  const self = layerNorm(r, h, `${block}.norm1`);
  h = ops.add(h, attention(r, self, self, `${block}.attn1`, heads));
  h = ops.add(h, attention(r, layerNorm(r, h, `${block}.norm2`), r.context, `${block}.attn2`, heads));
  const gated = ops.geglu(linearWithLora(ops, layerNorm(r, h, `${block}.norm3`), linearOf(r.w, `${block}.ff.net.0.proj`), r.lora));
  h = ops.add(h, ops.linear(gated, param(r.w, `${block}.ff.net.2.weight`), param(r.w, `${block}.ff.net.2.bias`)));
  const back = ops.reshape(ops.permute(h, [0, 2, 1]), [b, c, hh, ww]);
  return ops.add(x, conv(r, back, `${name}.proj_out`, 0));
}

function runStep<T>(r: Run<T>, h: T, step: UnetStep, skips: T[]): T {
  switch (step.kind) {
    case 'conv':
      return conv(r, h, step.name, step.padding, step.stride);
    case 'resnet':
      return resnet(r, h, step.name, step.cin, step.cout);
    case 'transformer':
      return transformer(r, h, step.name, step.heads);
    case 'upsample':
      return conv(r, r.ops.upsampleNearest(h, 2), `${step.name}.conv`, 1);
    case 'push':
      skips.push(h);
      return h;
    case 'concat': {
      const skip = skips.pop();
      if (skip === undefined) throw new Error('UNet layout: concat with an empty skip stack.');
      return r.ops.concatChannels(h, skip);
    }
  }
}

/**
 * sample [B, C, H, W], one timestep per sample, context [B, S, contextDim] → [B, 4, H, W].
 * H and W must halve cleanly at every downsampler.
 */
export function unetForward<T>(ops: TrainOps<T>, w: UnetWeights<T>, sample: T, timesteps: readonly number[], context: T, lora: LoraRun): T {
  const { layout } = w;
  const features = ops.constant(timestepFeatures(timesteps, layout.timeChannels), [timesteps.length, layout.timeChannels]);
  const hidden = ops.silu(ops.linear(features, param(w, 'time_embedding.linear_1.weight'), param(w, 'time_embedding.linear_1.bias')));
  const temb = ops.linear(hidden, param(w, 'time_embedding.linear_2.weight'), param(w, 'time_embedding.linear_2.bias'));
  const r: Run<T> = { ops, w, lora, time: ops.silu(temb), context };
  const skips: T[] = [];
  let h = sample;
  for (const step of layout.steps) h = runStep(r, h, step, skips);
  return conv(r, ops.silu(norm(r, h, 'conv_norm_out', 1e-5)), 'conv_out', 1);
}
