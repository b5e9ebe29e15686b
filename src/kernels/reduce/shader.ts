// Sum over any set of axes: one workgroup per output element, its invocations striding over the
// reduced elements, then a tree sum in workgroup memory. Kept and reduced axes arrive as two
// rank-6 (size, stride) lists, so every axis choice shares one pipeline.

import { offsetsWgsl } from '../core/indexing.ts';

export const REDUCE_WG = 64;

export const reduceBody = `
const WG: u32 = ${REDUCE_WG}u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  // o depends only on the workgroup, so this return is uniform and the barriers below are legal.
  let o = wid.x + wid.y * nwg.x;
  if (o >= u.nOut) { return; }
  ${offsetsWgsl('o', 'k', { base: 'ks' }, 'O')}
  var acc = 0.0;
  for (var r = li; r < u.nRed; r = r + WG) {
    ${offsetsWgsl('r', 'r', { off: 'rs' }, 'R')}
    acc = acc + src[base + off];
  }
  partial[li] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (li < s) { partial[li] = partial[li] + partial[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { dst[o] = partial[0] * u.alpha; }
}
`;
