// Σ (a - b)² or Σ a² over whole tensors, in two passes: a fixed number of workgroups each write
// one partial sum (grid-stride loops, so any size needs only `partialCount` groups), then one
// workgroup folds the partials and applies a finishing expression. MSE and gradient-norm
// clipping both build on it; clipping gives each gradient its own slice of one partials buffer.

import type { GpuContext } from '../core/context.ts';
import type { Tensor } from '../core/tensor.ts';

const WG = 64;
const MAX_PARTIALS = 256;

/** Partial sums one tensor of `n` elements writes. */
export function partialCount(n: number): number {
  return Math.min(MAX_PARTIALS, Math.ceil(n / (WG * 4)));
}

const partialBody = (diff: boolean) => `
const WG: u32 = ${WG}u;
var<workgroup> red: array<f32, WG>;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var i = wid.x * WG + li; i < u.n; i = i + nwg.x * WG) {
    let d = ${diff ? 'a[i] - b[i]' : 'a[i]'};
    s = s + d * d;
  }
  red[li] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k >> 1u) {
    if (li < k) { red[li] = red[li] + red[li + k]; }
    workgroupBarrier();
  }
  if (li == 0u) { partials[u.offset + wid.x] = red[0]; }
}
`;

/** Writes Σ(a - b)² (or Σ a² without b) of `a` as partialCount(a.size) partials at `offset`. */
export function sumSquaresPartials(ctx: GpuContext, a: Tensor, b: Tensor | null, partials: Tensor, offset: number): void {
  ctx.run({
    label: 'sum-squares',
    body: partialBody(b !== null),
    params: { n: ['u32', a.size], offset: ['u32', offset] },
    inputs: b ? { a, b } : { a },
    outputs: { partials },
    workgroups: [partialCount(a.size), 1, 1],
    shape: a.shape,
  });
}

/**
 * Folds `count` partials into `out` with `finish`, WGSL statements that see the total as `s`
 * (and params `alpha`, `limit`) and write `out[...]`.
 */
export function finishSum(ctx: GpuContext, partials: Tensor, count: number, out: Tensor, finish: string, alpha = 1, limit = 0): void {
  ctx.run({
    label: 'sum-squares.finish',
    body: `
const WG: u32 = ${WG}u;
var<workgroup> red: array<f32, WG>;
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32) {
  var t = 0.0;
  for (var i = li; i < u.count; i = i + WG) { t = t + partials[i]; }
  red[li] = t;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k >> 1u) {
    if (li < k) { red[li] = red[li] + red[li + k]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    let s = red[0];
    ${finish}
  }
}
`,
    params: { count: ['u32', count], alpha: ['f32', alpha], limit: ['f32', limit] },
    inputs: { partials },
    outputs: { out },
    workgroups: [1, 1, 1],
  });
}
