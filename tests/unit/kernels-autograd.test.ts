// The composed block's hand-chained float64 backward against finite differences, and the
// optimizer references against hand-computed values.

import { describe, expect, it } from 'vitest';
import { adamwCases } from '../../src/kernels/adamw/cases.ts';
import { adamwInit, adamwStepRef } from '../../src/kernels/adamw/reference.ts';
import { clipCases } from '../../src/kernels/clip-grad/cases.ts';
import { clipGradNormRef } from '../../src/kernels/clip-grad/reference.ts';
import { blockBackwardCpu, blockInputs, blockNumericGrad } from '../../src/kernels/testing/block.ts';
import { hashSeed, relError, rng } from '../../src/kernels/testing/check.ts';
import { numel } from '../../src/kernels/core/shape.ts';

function blockValues(): Record<string, Float64Array> {
  const next = rng(hashSeed('block'));
  return Object.fromEntries(
    blockInputs.map((spec) => {
      const [lo, hi] = spec.range ?? [-1, 1];
      return [spec.name, Float64Array.from({ length: numel(spec.shape) }, () => Math.fround(lo + (hi - lo) * next()))];
    }),
  );
}

describe('composed block (linear → GELU → layer norm → attention → LoRA linear → MSE)', () => {
  const values = blockValues();
  const grads = blockBackwardCpu(values);

  it('gives gradients to every trainable input and none to the frozen base weight or the target', () => {
    expect(Object.keys(grads).sort()).toEqual(blockInputs.filter((s) => s.grad !== false).map((s) => s.name).sort());
  });

  it.each(blockInputs.filter((s) => s.grad !== false).map((s) => s.name))('d loss / d %s matches finite differences', (name) => {
    const numeric = blockNumericGrad(values, name);
    const analytic = numeric.indices.map((i) => grads[name]![i]!);
    expect(relError(analytic, numeric.values, 1e-6)).toBeLessThan(1e-3);
  });
});

describe('AdamW reference', () => {
  it.each(adamwCases.filter((c) => c.expected).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const p = Float64Array.from(c.param);
    const state = adamwInit(p.length);
    c.grads.forEach((g, step) => {
      adamwStepRef(p, g, state, c.options);
      expect(relError(p, c.expected![step]!)).toBeLessThan(1e-9);
    });
  });

  it('without gradient signal only weight decay moves a parameter', () => {
    const p = Float64Array.of(2);
    adamwStepRef(p, [0], adamwInit(1), { lr: 0.5, weightDecay: 0.1 });
    expect(p[0]).toBeCloseTo(2 * (1 - 0.05), 14);
  });
});

describe('gradient clipping reference', () => {
  it('scales the set to the limit by the 2-norm over all tensors', () => {
    const c = clipCases[0]!;
    const grads = c.values!.map((v) => Float64Array.from(v));
    const { norm, coef } = clipGradNormRef(grads, c.maxNorm);
    expect(norm).toBeCloseTo(c.expectedNorm!, 14);
    expect(coef).toBeCloseTo(1 / (13 + 1e-6), 14);
    expect(Math.hypot(...grads.flatMap((g) => [...g]))).toBeCloseTo(1, 6);
  });

  it('leaves gradients under the limit alone', () => {
    const grads = [Float64Array.of(0.1, 0.2)];
    expect(clipGradNormRef(grads, 1).coef).toBe(1);
    expect([...grads[0]!]).toEqual([0.1, 0.2]);
  });
});
