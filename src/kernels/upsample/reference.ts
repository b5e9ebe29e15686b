// Float64 references for nearest upsampling and its gradient, by output pixel.

import type { F64 } from '../core/cpu.ts';

export function upsampleRef(x: F64, h: number, w: number, sy: number, sx: number): F64 {
  const planes = x.length / (h * w);
  const y = new Float64Array(x.length * sy * sx);
  for (let p = 0; p < planes; p++)
    for (let oy = 0; oy < h * sy; oy++)
      for (let ox = 0; ox < w * sx; ox++) y[(p * h * sy + oy) * w * sx + ox] = x[(p * h + Math.floor(oy / sy)) * w + Math.floor(ox / sx)]!;
  return y;
}

export function upsampleGradRef(g: F64, h: number, w: number, sy: number, sx: number): F64 {
  const gx = new Float64Array(g.length / (sy * sx));
  const planes = gx.length / (h * w);
  for (let p = 0; p < planes; p++)
    for (let oy = 0; oy < h * sy; oy++)
      for (let ox = 0; ox < w * sx; ox++) gx[(p * h + Math.floor(oy / sy)) * w + Math.floor(ox / sx)]! += g[(p * h * sy + oy) * w * sx + ox]!;
  return gx;
}
