// Float64 plain-loop reference for conv2d (direct seven-deep loops, no im2col), and its
// gradients by scattering each output's gradient back along the same loops.

import type { F64 } from '../core/cpu.ts';
import type { ConvPlan } from './dispatch.ts';

function forEachTap(p: ConvPlan, visit: (b: number, o: number, oy: number, ox: number, c: number, ky: number, kx: number, xi: number) => void): void {
  for (let b = 0; b < p.b; b++)
    for (let o = 0; o < p.o; o++)
      for (let oy = 0; oy < p.ho; oy++)
        for (let ox = 0; ox < p.wo; ox++)
          for (let c = 0; c < p.c; c++)
            for (let ky = 0; ky < p.kh; ky++)
              for (let kx = 0; kx < p.kw; kx++) {
                const iy = oy * p.stride + ky - p.pad;
                const ix = ox * p.stride + kx - p.pad;
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                visit(b, o, oy, ox, c, ky, kx, ((b * p.c + c) * p.h + iy) * p.w + ix);
              }
}

const yIndex = (p: ConvPlan, b: number, o: number, oy: number, ox: number): number => ((b * p.o + o) * p.ho + oy) * p.wo + ox;
const wIndex = (p: ConvPlan, o: number, c: number, ky: number, kx: number): number => ((o * p.c + c) * p.kh + ky) * p.kw + kx;

export function conv2dRef(x: F64, w: F64, bias: F64 | null, p: ConvPlan): F64 {
  const y = new Float64Array(p.b * p.o * p.ho * p.wo);
  if (bias) y.forEach((_, i) => (y[i] = bias[Math.floor(i / (p.ho * p.wo)) % p.o]!));
  forEachTap(p, (b, o, oy, ox, c, ky, kx, xi) => {
    y[yIndex(p, b, o, oy, ox)]! += x[xi]! * w[wIndex(p, o, c, ky, kx)]!;
  });
  return y;
}

export function conv2dGradRef(x: F64, w: F64, g: F64, p: ConvPlan): { gx: F64; gw: F64; gb: F64 } {
  const gx = new Float64Array(x.length);
  const gw = new Float64Array(w.length);
  const gb = new Float64Array(p.o);
  g.forEach((v, i) => (gb[Math.floor(i / (p.ho * p.wo)) % p.o]! += v));
  forEachTap(p, (b, o, oy, ox, c, ky, kx, xi) => {
    const gv = g[yIndex(p, b, o, oy, ox)]!;
    const wi = wIndex(p, o, c, ky, kx);
    gx[xi]! += gv * w[wi]!;
    gw[wi]! += gv * x[xi]!;
  });
  return { gx, gw, gb };
}
