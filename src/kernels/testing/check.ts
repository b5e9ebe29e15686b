// Comparisons and finite differences used by the Node and Chromium tests.

import { mulberry32 } from '../../shared/random.ts';
import type { F64 } from '../core/cpu.ts';
import { numel } from '../core/shape.ts';
import type { BoundCase } from './case.ts';

/** The seeded generator: the same inputs on every run and in every browser. */
export const rng = mulberry32;

export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Seeded inputs for a case, rounded to fp32 so the CPU sees exactly what the GPU gets. */
export function caseInputs(c: BoundCase): F64[] {
  if (c.values) return c.values.inputs.map((v) => Float64Array.from(v));
  const next = rng(hashSeed(`${c.op}/${c.name}`));
  return c.inputs.map((spec) => {
    const [lo, hi] = spec.range ?? [-1, 1];
    return Float64Array.from({ length: numel(spec.shape) }, () => Math.fround(lo + (hi - lo) * next()));
  });
}

/** Seeded output gradients, rounded to fp32. */
export function caseGradOutputs(c: BoundCase, outputs: readonly F64[]): F64[] {
  const next = rng(hashSeed(`${c.op}/${c.name}/grad`));
  return outputs.map((o) => Float64Array.from({ length: o.length }, () => Math.fround(2 * next() - 1)));
}

/**
 * Largest absolute difference over the largest reference magnitude: error relative to the
 * tensor's scale, so entries that cancel to near zero do not demand impossible digits.
 * `floor` bounds the scale from below, for references that are zero up to rounding.
 */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 0): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  scale = Math.max(scale, floor);
  return scale === 0 ? diff : diff / scale;
}

/**
 * Central finite differences of L(x) = Σ gradOutputs · forward(x) with respect to input `which`,
 * in float64. Checks at most `limit` evenly spread entries (cost is two forwards per entry).
 */
export function numericGrad(c: BoundCase, x: readonly F64[], gradOutputs: readonly F64[], which: number, limit = 64): { indices: number[]; values: number[] } {
  const target = x[which]!;
  const step = Math.max(1, Math.ceil(target.length / limit));
  const indices: number[] = [];
  const values: number[] = [];
  const loss = (inputs: readonly F64[]): number => {
    const outs = c.forward(inputs);
    let sum = 0;
    outs.forEach((o, k) => o.forEach((v, i) => (sum += v * gradOutputs[k]![i]!)));
    return sum;
  };
  for (let i = 0; i < target.length; i += step) {
    const h = 1e-6 * Math.max(1, Math.abs(target[i]!));
    const plus = x.map((t, k) => (k === which ? Float64Array.from(t) : t));
    const minus = x.map((t, k) => (k === which ? Float64Array.from(t) : t));
    plus[which]![i]! += h;
    minus[which]![i]! -= h;
    indices.push(i);
    values.push((loss(plus) - loss(minus)) / (2 * h));
  }
  return { indices, values };
}
