// Pieces the UNet and the text encoder share: named parameter lookup, and multi-head attention
// over [B, L, C] sequences (split heads, scaled dot-product, merge heads).

import { InvalidInputError } from '../../../shared/errors.ts';
import type { LinearWeights, LoraLayer } from '../lora/lora.ts';
import type { TrainOps } from './backend.ts';

/** A model's tensors by parameter name, and its adapters by module. */
export interface NamedWeights<T> {
  params: ReadonlyMap<string, T>;
  loras: ReadonlyMap<string, LoraLayer<T>>;
}

export function param<T>(w: NamedWeights<T>, name: string): T {
  const found = w.params.get(name);
  if (found === undefined) throw new InvalidInputError(`The model has no parameter ${name}.`);
  return found;
}

export function linearOf<T>(w: NamedWeights<T>, module: string): LinearWeights<T> {
  const lora = w.loras.get(module);
  return { weight: param(w, `${module}.weight`), bias: w.params.get(`${module}.bias`) ?? null, ...(lora ? { lora } : {}) };
}

/** [B, L, H·d] → [B, H, L, d]. */
function splitHeads<T>(ops: TrainOps<T>, x: T, heads: number): T {
  const [b, l, c] = ops.shape(x) as [number, number, number];
  return ops.permute(ops.reshape(x, [b, l, heads, c / heads]), [0, 2, 1, 3]);
}

/** q [B, L, C], k and v [B, S, C] → [B, L, C]. */
export function multiHeadAttention<T>(ops: TrainOps<T>, q: T, k: T, v: T, heads: number, causal = false): T {
  const [b, l, c] = ops.shape(q) as [number, number, number];
  if (c % heads !== 0) throw new InvalidInputError(`${c} channels do not split into ${heads} heads.`);
  const o = ops.attention(splitHeads(ops, q, heads), splitHeads(ops, k, heads), splitHeads(ops, v, heads), { scale: 1 / Math.sqrt(c / heads), causal });
  return ops.reshape(ops.permute(o, [0, 2, 1, 3]), [b, l, c]);
}
