// A composed block for gradient checks of the tape as a whole, shaped like a tiny transformer
// layer feeding a LoRA-adapted projection:
//   h = layerNorm(gelu(linear(x, w1, b1))), a = attention(h·wqᵀ, h·wkᵀ, h·wvᵀ),
//   y = a·wBaseᵀ + s · (a·downᵀ)·upᵀ,  loss = mse(y, target).
// wBase is frozen (no gradient buffer, dW never computed); target is data. The same block is
// written three ways: GPU ops through the tape, a float64 forward from the references, and a
// float64 backward chaining the references' gradients by hand.

import type { Tape } from '../autograd/tape.ts';
import type { F64 } from '../core/cpu.ts';
import type { Tensor } from '../core/tensor.ts';
import { attention } from '../attention/ops.ts';
import { attentionGradRef, attentionRef, type AttentionDims } from '../attention/reference.ts';
import { gelu } from '../activation/ops.ts';
import { geluGradRef, geluRef } from '../activation/reference.ts';
import { add, scale } from '../elementwise/ops.ts';
import { linear } from '../linear/ops.ts';
import { linearGradRef, linearRef } from '../linear/reference.ts';
import { mse } from '../mse/ops.ts';
import { mseGradRef, mseRef } from '../mse/reference.ts';
import { planLayerNorm } from '../norm/dispatch.ts';
import { layerNorm } from '../norm/ops.ts';
import { normGradRef, normRef } from '../norm/reference.ts';
import type { InputSpec } from './case.ts';

const T = 5;
const DIN = 6;
const D = 8;
const R = 2;
export const LORA_SCALE = 0.5;

export const blockInputs: InputSpec[] = [
  { name: 'x', shape: [1, T, DIN] },
  { name: 'w1', shape: [D, DIN] },
  { name: 'b1', shape: [D] },
  { name: 'gamma', shape: [D], range: [0.5, 1.5] },
  { name: 'beta', shape: [D] },
  { name: 'wq', shape: [D, D] },
  { name: 'wk', shape: [D, D] },
  { name: 'wv', shape: [D, D] },
  { name: 'wBase', shape: [D, D], grad: false },
  { name: 'down', shape: [R, D] },
  { name: 'up', shape: [D, R] },
  { name: 'target', shape: [1, T, D], grad: false },
];

export type BlockValues<T> = Record<string, T>;

export function blockGpu(tape: Tape, v: BlockValues<Tensor>): Tensor {
  const h = layerNorm(tape, gelu(tape, linear(tape, v.x!, v.w1!, v.b1!)), v.gamma!, v.beta!);
  const a = attention(tape, linear(tape, h, v.wq!), linear(tape, h, v.wk!), linear(tape, h, v.wv!));
  const lora = scale(tape, linear(tape, linear(tape, a, v.down!), v.up!), LORA_SCALE);
  return mse(tape, add(tape, linear(tape, a, v.wBase!), lora), v.target!);
}

const dims: AttentionDims = { batch: 1, lq: T, lk: T, d: D, dv: D, scale: 1 / Math.sqrt(D), causal: false };
const norm = planLayerNorm([1, T, D], 1e-5);

function forwardParts(v: BlockValues<F64>) {
  const h1 = linearRef(v.x!, v.w1!, v.b1!, DIN, D);
  const h2 = geluRef(h1);
  const h = normRef(h2, v.gamma!, v.beta!, norm);
  const q = linearRef(h, v.wq!, null, D, D);
  const k = linearRef(h, v.wk!, null, D, D);
  const vv = linearRef(h, v.wv!, null, D, D);
  const a = attentionRef(q, k, vv, dims);
  const d = linearRef(a, v.down!, null, D, R);
  const lo = linearRef(d, v.up!, null, R, D);
  const base = linearRef(a, v.wBase!, null, D, D);
  const y = base.map((b, i) => b + LORA_SCALE * lo[i]!);
  return { h1, h2, h, q, k, vv, a, d, y };
}

export function blockForwardCpu(v: BlockValues<F64>): number {
  return mseRef(forwardParts(v).y, v.target!);
}

const sum = (a: F64, b: F64): F64 => a.map((x, i) => x + b[i]!);

/** Float64 gradients of the loss for every input that takes one. */
export function blockBackwardCpu(v: BlockValues<F64>): BlockValues<F64> {
  const f = forwardParts(v);
  const [gy] = mseGradRef(f.y, v.target!, 1);
  const glo = gy.map((g) => g * LORA_SCALE);
  const up = linearGradRef(f.d, v.up!, glo, R, D);
  const down = linearGradRef(f.a, v.down!, up.gx, D, R);
  const base = linearGradRef(f.a, v.wBase!, gy, D, D);
  const [gq, gk, gv] = attentionGradRef(f.q, f.k, f.vv, sum(down.gx, base.gx), dims);
  const lq = linearGradRef(f.h, v.wq!, gq, D, D);
  const lk = linearGradRef(f.h, v.wk!, gk, D, D);
  const lv = linearGradRef(f.h, v.wv!, gv, D, D);
  const n = normGradRef(f.h2, v.gamma!, sum(sum(lq.gx, lk.gx), lv.gx), norm);
  const l1 = linearGradRef(v.x!, v.w1!, geluGradRef(f.h1, n.gx), DIN, D);
  return { x: l1.gx, w1: l1.gw, b1: l1.gb, gamma: n.ggamma, beta: n.gbeta, wq: lq.gw, wk: lk.gw, wv: lv.gw, down: down.gw, up: up.gw };
}

/** Central differences of the float64 block loss at up to `limit` entries of input `name`. */
export function blockNumericGrad(v: BlockValues<F64>, name: string, limit = 16): { indices: number[]; values: number[] } {
  const target = v[name]!;
  const step = Math.max(1, Math.ceil(target.length / limit));
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < target.length; i += step) {
    const h = 1e-6 * Math.max(1, Math.abs(target[i]!));
    const at = (delta: number): number => {
      const moved = Float64Array.from(target);
      moved[i]! += delta;
      return blockForwardCpu({ ...v, [name]: moved });
    };
    indices.push(i);
    values.push((at(h) - at(-h)) / (2 * h));
  }
  return { indices, values };
}
