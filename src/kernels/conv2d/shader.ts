// Conv2d as three implicit GEMMs over the shared tiled template (NCHW, OIHW weights):
//   forward  Y[b] (O × HO·WO)    = W (O × C·KH·KW) · im2col(X[b])
//   dX       dX[b] (C × H·W)     = Wᵀ-by-tap (C × O·KH·KW) · col2im-gather(dY[b])
//   dW       dW (O × C·KH·KW)    = dY (O × B·HO·WO) · im2col(X)ᵀ
// The loaders compute the im2col element for (k, col) on the fly, returning 0 in the padding,
// so no column matrix is ever stored. Params: B C H W O KH KW S P HO WO and the GEMM's M N K.

import { gemmBody, type GemmTile } from '../matmul/gemm.ts';

// Splits a tap index r < KH·KW and an output pixel p < HO·WO into the input pixel they read;
// returns false in the padding.
const sourcePixel = `
fn inputPixel(r: u32, p: u32) -> vec2<i32> {
  let ky = r / u.KW;
  let kx = r % u.KW;
  let oy = p / u.WO;
  let ox = p % u.WO;
  return vec2<i32>(i32(oy * u.S + ky) - i32(u.P), i32(ox * u.S + kx) - i32(u.P));
}
fn inside(q: vec2<i32>) -> bool {
  return q.x >= 0 && q.x < i32(u.H) && q.y >= 0 && q.y < i32(u.W);
}`;

export function convForwardBody(bias: boolean, tile: GemmTile): string {
  return gemmBody(
    {
      helpers: sourcePixel,
      loadA: `fn loadA(b: u32, co: u32, k: u32) -> f32 { return weight[co * u.K + k]; }`,
      loadB: `fn loadB(b: u32, k: u32, p: u32) -> f32 {
  let taps = u.KH * u.KW;
  let ci = k / taps;
  let q = inputPixel(k % taps, p);
  if (!inside(q)) { return 0.0; }
  return x[((b * u.C + ci) * u.H + u32(q.x)) * u.W + u32(q.y)];
}`,
      store: `fn store(b: u32, co: u32, p: u32, v: f32) {
  y[(b * u.O + co) * u.N + p] = v${bias ? ' + bias[co]' : ''};
}`,
    },
    tile,
  );
}

export function convGradInputBody(tile: GemmTile): string {
  return gemmBody(
    {
      loadA: `fn loadA(b: u32, ci: u32, k: u32) -> f32 {
  let taps = u.KH * u.KW;
  return weight[((k / taps) * u.C + ci) * taps + k % taps];
}`,
      // Input pixel (y, x) receives from output pixel ((y + P - ky) / S, …) when that divides.
      loadB: `fn loadB(b: u32, k: u32, p: u32) -> f32 {
  let taps = u.KH * u.KW;
  let co = k / taps;
  let r = k % taps;
  let ty = i32(p / u.W + u.P) - i32(r / u.KW);
  let tx = i32(p % u.W + u.P) - i32(r % u.KW);
  if (ty < 0 || tx < 0) { return 0.0; }
  let sy = u32(ty);
  let sx = u32(tx);
  if (sy % u.S != 0u || sx % u.S != 0u) { return 0.0; }
  let oy = sy / u.S;
  let ox = sx / u.S;
  if (oy >= u.HO || ox >= u.WO) { return 0.0; }
  return gy[((b * u.O + co) * u.HO + oy) * u.WO + ox];
}`,
      store: `fn store(b: u32, ci: u32, p: u32, v: f32) { gx[(b * u.C + ci) * u.N + p] = v; }`,
    },
    tile,
  );
}

export function convGradWeightBody(tile: GemmTile): string {
  return gemmBody(
    {
      helpers: sourcePixel,
      // im2col(X)ᵀ is read down its columns: neighbouring k are neighbouring pixels.
      bAlongN: 'false',
      loadA: `fn loadA(unused: u32, co: u32, k: u32) -> f32 {
  let pixels = u.HO * u.WO;
  return gy[((k / pixels) * u.O + co) * pixels + k % pixels];
}`,
      loadB: `fn loadB(unused: u32, k: u32, j: u32) -> f32 {
  let pixels = u.HO * u.WO;
  let taps = u.KH * u.KW;
  let b = k / pixels;
  let q = inputPixel(j % taps, k % pixels);
  if (!inside(q)) { return 0.0; }
  return x[((b * u.C + j / taps) * u.H + u32(q.x)) * u.W + u32(q.y)];
}`,
      store: `fn store(unused: u32, co: u32, j: u32, v: f32) { gw[co * u.N + j] = v; }`,
    },
    tile,
  );
}
