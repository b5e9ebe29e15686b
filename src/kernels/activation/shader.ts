// GELU (the exact, erf-based one PyTorch's F.gelu computes by default), SiLU and GEGLU.
// WGSL has no erf; Abramowitz & Stegun 7.1.26 is within 1.5e-7 of it, under fp32's own
// rounding of GELU's output at the scales used here.

import { flatKernelHead } from '../core/program.ts';
import type { UnarySpec } from '../elementwise/dispatch.ts';

export const geluHelpers = `
fn erfApprox(x: f32) -> f32 {
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sign(x) * (1.0 - poly * exp(-a * a));
}
fn gelu(x: f32) -> f32 { return 0.5 * x * (1.0 + erfApprox(x * 0.70710678118654752)); }
// d/dx [x Φ(x)] = Φ(x) + x φ(x)
fn geluGrad(x: f32) -> f32 {
  return 0.5 * (1.0 + erfApprox(x * 0.70710678118654752)) + x * 0.39894228040143268 * exp(-0.5 * x * x);
}
`;

export const geluSpec: UnarySpec = { name: 'gelu', forward: 'gelu(x)', backward: 'g * geluGrad(x)', helpers: geluHelpers };

export const siluSpec: UnarySpec = {
  name: 'silu',
  forward: 'x / (1.0 + exp(-x))',
  // s + x s (1 - s), s = sigmoid(x)
  backward: 'g * (1.0 / (1.0 + exp(-x))) * (1.0 + x * (1.0 - 1.0 / (1.0 + exp(-x))))',
};

const WG = 256;

const head = `${geluHelpers}
${flatKernelHead(WG)}
  let row = i / u.D;
  let a = x[row * 2u * u.D + i % u.D];
  let gate = x[row * 2u * u.D + u.D + i % u.D];`;

/** out = a · gelu(gate) where x's last axis holds [a | gate] (diffusers' GEGLU chunk order). */
export const gegluForwardBody = `${head}
  y[i] = a * gelu(gate);
}
`;

/** Writes both halves of dx for output element i. */
export const gegluBackwardBody = `${head}
  let g = gy[i];
  gx[row * 2u * u.D + i % u.D] = g * gelu(gate);
  gx[row * 2u * u.D + u.D + i % u.D] = g * a * geluGrad(gate);
}
`;

export const GEGLU_WG = WG;
