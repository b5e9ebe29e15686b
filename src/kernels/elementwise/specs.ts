// The unary maps, as WGSL (forward in x, u.alpha, u.beta; backward in x, y, g) with their
// float64 CPU twins in reference.ts.

import type { UnarySpec } from './dispatch.ts';

export type UnaryName = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'relu' | 'tanh' | 'sigmoid' | 'affine';

export const unarySpecs: Record<UnaryName, UnarySpec> = {
  neg: { name: 'neg', forward: '-x', backward: '-g' },
  exp: { name: 'exp', forward: 'exp(x)', backward: 'g * y' },
  log: { name: 'log', forward: 'log(x)', backward: 'g / x' },
  sqrt: { name: 'sqrt', forward: 'sqrt(x)', backward: 'g * 0.5 / y' },
  square: { name: 'square', forward: 'x * x', backward: '2.0 * g * x' },
  relu: { name: 'relu', forward: 'max(x, 0.0)', backward: 'select(0.0, g, x > 0.0)' },
  // Clamped: tanh built from exp overflows to inf/inf = NaN past |x| ≈ 44 on some adapters.
  tanh: { name: 'tanh', forward: 'tanh(clamp(x, -15.0, 15.0))', backward: 'g * (1.0 - y * y)' },
  sigmoid: { name: 'sigmoid', forward: '1.0 / (1.0 + exp(-x))', backward: 'g * y * (1.0 - y)' },
  // y = alpha · x + beta: scaling (LoRA's alpha / rank, attention's 1/√d) and shifting.
  affine: { name: 'affine', forward: 'u.alpha * x + u.beta', backward: 'u.alpha * g' },
};
