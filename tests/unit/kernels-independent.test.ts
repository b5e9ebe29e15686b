// Each CPU reference against an independent formulation: a different algorithm for the same
// quantity (im2col for conv, explicit transposes for matmul, composition for attention),
// adjoint identities ⟨f(x), g⟩ = ⟨x, f'(g)⟩ for the linear ops, and known constants.

import { describe, expect, it } from 'vitest';
import { erf, gegluRef, geluRef, siluRef } from '../../src/kernels/activation/reference.ts';
import { attentionRef } from '../../src/kernels/attention/reference.ts';
import { conv2dGradRef, conv2dRef } from '../../src/kernels/conv2d/reference.ts';
import { planConv2d } from '../../src/kernels/conv2d/dispatch.ts';
import { permuteRef, type F64 } from '../../src/kernels/core/cpu.ts';
import { binaryForward, unaryForward } from '../../src/kernels/elementwise/reference.ts';
import { linearRef } from '../../src/kernels/linear/reference.ts';
import { matmulRef } from '../../src/kernels/matmul/reference.ts';
import { mseRef } from '../../src/kernels/mse/reference.ts';
import { planGroupNorm, planLayerNorm } from '../../src/kernels/norm/dispatch.ts';
import { normRef } from '../../src/kernels/norm/reference.ts';
import { reduceSumRef } from '../../src/kernels/reduce/reference.ts';
import { softmaxRef } from '../../src/kernels/softmax/reference.ts';
import { upsampleGradRef, upsampleRef } from '../../src/kernels/upsample/reference.ts';
import { relError, rng } from '../../src/kernels/testing/check.ts';

const random = (n: number, seed: number): F64 => {
  const next = rng(seed);
  return Float64Array.from({ length: n }, () => 2 * next() - 1);
};
const dot = (a: F64, b: F64): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('matmul reference', () => {
  it('equals a plain product of explicitly transposed matrices', () => {
    const a = random(6 * 4, 1);
    const b = random(5 * 6, 2);
    // Aᵀ [4, 6] · Bᵀ [6, 5]
    const at = permuteRef(a, [6, 4], [1, 0]);
    const bt = permuteRef(b, [5, 6], [1, 0]);
    const expected = matmulRef(at, [4, 6], bt, [6, 5]);
    expect(relError(matmulRef(a, [6, 4], b, [5, 6], { transA: true, transB: true }), expected)).toBeLessThan(1e-14);
  });

  it('linear equals matmul with the weight transposed plus the bias', () => {
    const x = random(3 * 4, 3);
    const w = random(5 * 4, 4);
    const b = random(5, 5);
    const viaMatmul = binaryForward('add', matmulRef(x, [3, 4], permuteRef(w, [5, 4], [1, 0]), [4, 5]), [3, 5], b, [5]);
    expect(relError(linearRef(x, w, b, 4, 5), viaMatmul)).toBeLessThan(1e-14);
  });
});

describe('conv2d reference', () => {
  const p = planConv2d([2, 3, 7, 6], [4, 3, 3, 3], { stride: 2, padding: 1 });
  const x = random(2 * 3 * 7 * 6, 6);
  const w = random(4 * 3 * 3 * 3, 7);

  it('equals im2col followed by a matmul', () => {
    const k = p.c * p.kh * p.kw;
    const cols = new Float64Array(k * p.ho * p.wo);
    const expected: number[] = [];
    for (let b = 0; b < p.b; b++) {
      for (let c = 0; c < p.c; c++)
        for (let ky = 0; ky < p.kh; ky++)
          for (let kx = 0; kx < p.kw; kx++)
            for (let oy = 0; oy < p.ho; oy++)
              for (let ox = 0; ox < p.wo; ox++) {
                const iy = oy * p.stride + ky - p.pad;
                const ix = ox * p.stride + kx - p.pad;
                const inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
                cols[((c * p.kh + ky) * p.kw + kx) * p.ho * p.wo + oy * p.wo + ox] = inside ? x[((b * p.c + c) * p.h + iy) * p.w + ix]! : 0;
              }
      expected.push(...matmulRef(w, [p.o, k], cols, [k, p.ho * p.wo]));
    }
    expect(relError(conv2dRef(x, w, null, p), expected)).toBeLessThan(1e-14);
  });

  it('input and weight gradients are the adjoints of the forward', () => {
    const g = random(p.b * p.o * p.ho * p.wo, 8);
    const { gx, gw } = conv2dGradRef(x, w, g, p);
    const dx = random(x.length, 9);
    const dw = random(w.length, 10);
    // conv is linear in x and in w: ⟨conv(dx, w), g⟩ = ⟨dx, gx⟩ and ⟨conv(x, dw), g⟩ = ⟨dw, gw⟩.
    expect(dot(conv2dRef(dx, w, null, p), g)).toBeCloseTo(dot(dx, gx), 10);
    expect(dot(conv2dRef(x, dw, null, p), g)).toBeCloseTo(dot(dw, gw), 10);
  });
});

describe('norm references', () => {
  it('group norm with one group per channel is instance norm', () => {
    const x = random(2 * 3 * 16, 11);
    const gamma = Float64Array.of(1, 1, 1);
    const beta = new Float64Array(3);
    const y = normRef(x, gamma, beta, planGroupNorm([2, 3, 4, 4], 3, 1e-5));
    for (let plane = 0; plane < 6; plane++) {
      const v = x.subarray(plane * 16, plane * 16 + 16);
      const mean = v.reduce((s, t) => s + t, 0) / 16;
      const variance = v.reduce((s, t) => s + (t - mean) ** 2, 0) / 16;
      v.forEach((t, i) => expect(y[plane * 16 + i]).toBeCloseTo((t - mean) / Math.sqrt(variance + 1e-5), 12));
    }
  });

  it('layer norm output has zero mean and unit variance per row (unit affine)', () => {
    const x = random(4 * 10, 12);
    const y = normRef(x, new Float64Array(10).fill(1), new Float64Array(10), planLayerNorm([4, 10], 0));
    for (let r = 0; r < 4; r++) {
      const row = y.subarray(r * 10, r * 10 + 10);
      expect(row.reduce((s, t) => s + t, 0)).toBeCloseTo(0, 12);
      expect(row.reduce((s, t) => s + t * t, 0) / 10).toBeCloseTo(1, 12);
    }
  });
});

describe('softmax and attention references', () => {
  it('softmax rows sum to one, and the causal mask zeroes the future', () => {
    const y = softmaxRef(random(4 * 4, 13), 4, 4, true);
    for (let r = 0; r < 4; r++) {
      expect(y.subarray(r * 4, r * 4 + 4).reduce((s, t) => s + t, 0)).toBeCloseTo(1, 14);
      for (let j = r + 1; j < 4; j++) expect(y[r * 4 + j]).toBe(0);
    }
  });

  it('attention equals softmax(scale · Q Kᵀ) · V composed from the matmul and softmax references', () => {
    const [lq, lk, d, dv] = [3, 5, 4, 2];
    const q = random(lq * d, 14);
    const k = random(lk * d, 15);
    const v = random(lk * dv, 16);
    const p = softmaxRef(matmulRef(q, [lq, d], k, [lk, d], { transB: true, alpha: 0.7 }), lk);
    const expected = matmulRef(p, [lq, lk], v, [lk, dv]);
    expect(relError(attentionRef(q, k, v, { batch: 1, lq, lk, d, dv, scale: 0.7, causal: false }), expected)).toBeLessThan(1e-14);
  });
});

describe('activation references', () => {
  it('erf matches tabulated values', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 14);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 14);
  });

  it('GEGLU is the first half times GELU of the second; SiLU is x · sigmoid(x)', () => {
    const x = random(2 * 6, 17);
    const rows = [0, 1].map((r) => x.subarray(r * 6, r * 6 + 6));
    const expected = rows.flatMap((row) => [...row.subarray(0, 3)].map((a, j) => a * geluRef(Float64Array.of(row[3 + j]!))[0]!));
    expect(relError(gegluRef(x, 3), expected)).toBeLessThan(1e-14);
    const viaSigmoid = binaryForward('mul', x, [12], unaryForward('sigmoid', x), [12]);
    expect(relError(siluRef(x), viaSigmoid)).toBeLessThan(1e-14);
  });
});

describe('other references', () => {
  it('nearest upsampling and its gradient are adjoint', () => {
    const x = random(2 * 3 * 4, 18);
    const g = random(2 * 6 * 8, 19);
    expect(dot(upsampleRef(x, 3, 4, 2, 2), g)).toBeCloseTo(dot(x, upsampleGradRef(g, 3, 4, 2, 2)), 12);
  });

  it('MSE is the mean of squared differences from the elementwise references', () => {
    const a = random(12, 20);
    const b = random(12, 21);
    const squares = unaryForward('square', binaryForward('sub', a, [12], b, [12]));
    expect(mseRef(a, b)).toBeCloseTo(reduceSumRef(squares, [12], [0])[0]! / 12, 14);
  });

  it('summing over two axes in turn equals summing over both at once', () => {
    const x = random(3 * 4 * 5, 22);
    const both = reduceSumRef(x, [3, 4, 5], [0, 2]);
    const inTurn = reduceSumRef(reduceSumRef(x, [3, 4, 5], [2]), [3, 4, 1], [0]);
    expect(relError(both, inTurn)).toBeLessThan(1e-14);
  });
});
