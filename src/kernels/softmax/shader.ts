// Softmax over the last axis, one workgroup per row. Params: R rows, L values per row, and for
// a causal mask Q (rows per batch item) with `causal` = 1: row r may attend to columns
// j ≤ (r % Q) + (L - Q), the usual alignment when keys outnumber queries.

export const SOFTMAX_WG = 64;

const common = `
const WG: u32 = ${SOFTMAX_WG}u;
var<workgroup> red: array<f32, WG>;

fn wgReduce(v: f32, li: u32, isMax: bool) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] = select(red[li] + red[li + s], max(red[li], red[li + s]), isMax); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

// Columns past this index are masked out of the row.
fn lastColumn(row: u32) -> u32 {
  if (u.causal == 0u) { return u.L - 1u; }
  return min(row % u.Q + (u.L - u.Q), u.L - 1u);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= u.R) { return; }
  let base = row * u.L;
  let last = lastColumn(row);`;

/** y = exp(x - max) / Σ exp(x - max); masked columns get exactly 0. */
export const softmaxForwardBody = `${common}
  var m = -3.0e38;
  for (var j = li; j <= last; j = j + WG) { m = max(m, x[base + j]); }
  let rowMax = wgReduce(m, li, true);
  var s = 0.0;
  for (var j = li; j <= last; j = j + WG) { s = s + exp(x[base + j] - rowMax); }
  let inv = 1.0 / wgReduce(s, li, false);
  for (var j = li; j < u.L; j = j + WG) {
    y[base + j] = select(0.0, exp(x[base + j] - rowMax) * inv, j <= last);
  }
}
`;

/** dx = y · (dy - Σ dy · y), from the saved output. */
export const softmaxBackwardBody = `${common}
  var s = 0.0;
  for (var j = li; j <= last; j = j + WG) { s = s + gy[base + j] * y[base + j]; }
  let dot = wgReduce(s, li, false);
  for (var j = li; j < u.L; j = j + WG) { gx[base + j] = y[base + j] * (gy[base + j] - dot); }
}
`;
