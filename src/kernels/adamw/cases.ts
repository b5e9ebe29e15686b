// AdamW cases: a parameter, a gradient per step, and the parameter expected after each step.
// The first case's values were worked by hand from the update rule (see the comment on it);
// the others are checked against the float64 reference.

import type { AdamWRefOptions } from './reference.ts';

export interface AdamWCase {
  name: string;
  options: AdamWRefOptions;
  param: number[];
  grads: number[][];
  /** Parameter after each step, when worked out by hand. */
  expected?: number[][];
}

export const adamwCases: AdamWCase[] = [
  {
    // lr 0.1, wd 0.01, β = (0.9, 0.999), eps 1e-8.
    // Step 1: m = 0.1 g, v = 0.001 g², so m̂ = g, v̂ = g² and the step is lr · g / (|g| + eps) ≈
    // 0.1 · sign(g) after decay by (1 - 0.001): p = 0.999 p0 - 0.1 sign(g)  → 0.899, -1.898, 0.3995.
    // Step 2 (g = 0.2, 0.2, -0.1): m = 0.09 g1 + 0.1 g2 = (0.029, 0.002, 0.017),
    // v = 0.000999 g1² + 0.001 g2² = (4.999e-5, 7.996e-5, 9.991e-5), bias corrections 0.19 and
    // 0.001999: p = 0.999 p1 - 0.1 · (m/0.19) / (√(v/0.001999) + eps)
    //   = 0.898101 - 0.0965177, -1.896102 - 0.0052632, 0.3991005 - 0.0400218.
    name: 'two steps by hand',
    options: { lr: 0.1, weightDecay: 0.01 },
    param: [1, -2, 0.5],
    grads: [
      [0.1, -0.2, 0.3],
      [0.2, 0.2, -0.1],
    ],
    expected: [
      [0.89900001, -1.898000005, 0.39950000333],
      [0.80158281351, -1.9013651626, 0.35907864792],
    ],
  },
  {
    name: 'no weight decay, custom betas',
    options: { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0 },
    param: [0.3, -0.7, 1.5, 0, 2.5],
    grads: [
      [1, -1, 0.5, 0, 2],
      [0.5, 0.25, -0.5, 1e-3, 2],
      [-1, 0.5, 0, 0, 1],
    ],
  },
  {
    name: 'many steps, many elements',
    options: { lr: 3e-3, weightDecay: 0.1 },
    param: Array.from({ length: 300 }, (_, i) => Math.sin(i)),
    grads: Array.from({ length: 5 }, (_, s) => Array.from({ length: 300 }, (_, i) => Math.cos(i * (s + 1)) * 0.1)),
  },
];
