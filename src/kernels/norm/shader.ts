// Group norm and layer norm share these kernels. The input is R rows of L values, each row
// normalised on its own; the affine parameter of value j in row r is ((r % G)·L + j) / HW,
// which is channel c for group norm (rows are (batch, group), HW pixels per channel) and j
// for layer norm (G = HW = 1). Params: R L G HW eps (and C for the affine gradient).

export const NORM_WG = 64;

const common = `
const WG: u32 = ${NORM_WG}u;
var<workgroup> red: array<f32, WG>;

// Sum of v over the workgroup; called in uniform control flow only.
fn wgSum(v: f32, li: u32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] = red[li] + red[li + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

fn channel(row: u32, j: u32) -> u32 { return ((row % u.G) * u.L + j) / u.HW; }
`;

const perRow = `@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  // row depends only on the workgroup: this return keeps the barriers in uniform control flow.
  let row = wid.x + wid.y * nwg.x;
  if (row >= u.R) { return; }
  let base = row * u.L;
  let n = f32(u.L);`;

/** y = (x - mean) · rstd · gamma + beta; stats[2r] = mean, stats[2r+1] = rstd. Two passes for accuracy. */
export const normForwardBody = `${common}
${perRow}
  var s = 0.0;
  for (var j = li; j < u.L; j = j + WG) { s = s + x[base + j]; }
  let mean = wgSum(s, li) / n;
  var v = 0.0;
  for (var j = li; j < u.L; j = j + WG) { let d = x[base + j] - mean; v = v + d * d; }
  let rstd = 1.0 / sqrt(wgSum(v, li) / n + u.eps);
  for (var j = li; j < u.L; j = j + WG) {
    let c = channel(row, j);
    y[base + j] = (x[base + j] - mean) * rstd * gamma[c] + beta[c];
  }
  if (li == 0u) { stats[2u * row] = mean; stats[2u * row + 1u] = rstd; }
}
`;

/** dx = rstd · (ĝ - mean(ĝ) - x̂ · mean(ĝ · x̂)) with ĝ = dy · gamma. */
export const normGradInputBody = `${common}
${perRow}
  let mean = stats[2u * row];
  let rstd = stats[2u * row + 1u];
  var s1 = 0.0;
  var s2 = 0.0;
  for (var j = li; j < u.L; j = j + WG) {
    let gh = gy[base + j] * gamma[channel(row, j)];
    s1 = s1 + gh;
    s2 = s2 + gh * (x[base + j] - mean) * rstd;
  }
  let m1 = wgSum(s1, li) / n;
  let m2 = wgSum(s2, li) / n;
  for (var j = li; j < u.L; j = j + WG) {
    let xh = (x[base + j] - mean) * rstd;
    gx[base + j] = rstd * (gy[base + j] * gamma[channel(row, j)] - m1 - xh * m2);
  }
}
`;

/**
 * dgamma[c] = Σ dy · x̂, dbeta[c] = Σ dy over the values that use channel c: one workgroup per
 * channel, walking rows r ≡ group (mod G) and the channel's HW values in each.
 */
export const normGradAffineBody = `${common}
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let c = wid.x + wid.y * nwg.x;
  if (c >= u.C) { return; }
  let perGroup = u.C / u.G;
  let g = c / perGroup;
  let start = (c % perGroup) * u.HW;
  let count = (u.R / u.G) * u.HW;
  var sg = 0.0;
  var sb = 0.0;
  for (var i = li; i < count; i = i + WG) {
    let row = (i / u.HW) * u.G + g;
    let at = row * u.L + start + i % u.HW;
    let xh = (x[at] - stats[2u * row]) * stats[2u * row + 1u];
    sg = sg + gy[at] * xh;
    sb = sb + gy[at];
  }
  let tg = wgSum(sg, li);
  let tb = wgSum(sb, li);
  if (li == 0u) { ggamma[c] = tg; gbeta[c] = tb; }
}
`;
