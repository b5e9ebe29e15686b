// LoRA adapters on linear layers. Port of nataili train/lora/lora.py LoraInjectedLinear (after
// cloneofsimo/lora): y = W·x + b + dropout(up(down(x))) · scale, with down initialised
// normal(std 1/r) and up zero, so training starts from the base model exactly. The scale is
// kohya's alpha / rank (alpha = rank gives nataili's scale 1.0), which is what LoRA loaders
// (ours included) apply when they merge the exported weights.

import { InvalidInputError } from '../../../shared/errors.ts';
import type { TrainBackend, TrainOps } from '../graph/backend.ts';
import { dropoutMask, mulberry32, deriveSeed, normals } from '../graph/random.ts';

export type LoraComponent = 'unet' | 'text_encoder';

export interface LoraConfig {
  rank: number;
  /** kohya's network_alpha: the adapter's output is scaled by alpha / rank. */
  alpha: number;
  /** nataili's LoraInjectedLinear default (its injector passes 0.0; the issue asks for 0.1). */
  dropout: number;
}

export const NATAILI_LORA: LoraConfig = { rank: 4, alpha: 4, dropout: 0.1 };

export interface LoraLayer<T> {
  component: LoraComponent;
  /** The wrapped module's path, dotted: "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q". */
  module: string;
  inFeatures: number;
  outFeatures: number;
  /** [rank, in] and [out, rank], trainable. */
  down: T;
  up: T;
}

/** A linear layer as the forward pass sees it: frozen base weight and bias, maybe an adapter. */
export interface LinearWeights<T> {
  weight: T;
  bias: T | null;
  lora?: LoraLayer<T>;
}

/** What a forward pass does with adapters: their scale, and dropout masks while training. */
export interface LoraRun {
  scale: number;
  dropout: number;
  /** Draws dropout masks; absent at evaluation (dropout is the identity then). */
  random?: () => number;
}

export function loraRun(config: LoraConfig, random?: () => number): LoraRun {
  return { scale: config.alpha / config.rank, dropout: config.dropout, ...(random ? { random } : {}) };
}

/** A new adapter: down ~ normal(0, 1/r) from a stream of its own (seed, module), up = 0. */
export function createLora<T>(backend: TrainBackend<T>, component: LoraComponent, module: string, inFeatures: number, outFeatures: number, config: LoraConfig, seed: number): LoraLayer<T> {
  const r = config.rank;
  if (!Number.isInteger(r) || r < 1 || r > Math.min(inFeatures, outFeatures)) {
    throw new InvalidInputError(`LoRA rank ${r} must be a whole number from 1 to ${Math.min(inFeatures, outFeatures)} for ${module} (${inFeatures} → ${outFeatures}).`);
  }
  const random = mulberry32(deriveSeed(seed, 'lora-init', component, module));
  return {
    component,
    module,
    inFeatures,
    outFeatures,
    down: backend.parameter(normals(random, r * inFeatures, 1 / r), [r, inFeatures], { trainable: true, label: `${module}.lora_down` }),
    up: backend.parameter(new Float32Array(outFeatures * r), [outFeatures, r], { trainable: true, label: `${module}.lora_up` }),
  };
}

/** The layer with its adapter, if any. */
export function linearWithLora<T>(ops: TrainOps<T>, x: T, layer: LinearWeights<T>, run: LoraRun): T {
  const base = ops.linear(x, layer.weight, layer.bias);
  if (!layer.lora) return base;
  let delta = ops.linear(ops.linear(x, layer.lora.down), layer.lora.up);
  if (run.random && run.dropout > 0) {
    const shape = ops.shape(delta);
    const count = shape.reduce((a, b) => a * b, 1);
    delta = ops.mul(delta, ops.constant(dropoutMask(run.random, count, run.dropout), shape));
  }
  return ops.add(base, run.scale === 1 ? delta : ops.scale(delta, run.scale));
}
