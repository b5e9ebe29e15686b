// Float64 plain-loop references for the elementwise ops.

import { broadcastMap, map, permuteRef, sumTo, type F64 } from '../core/cpu.ts';
import { broadcastShapes, type Shape } from '../core/shape.ts';
import type { BinaryOp } from './dispatch.ts';
import type { UnaryName } from './specs.ts';

interface UnaryRef {
  f(x: number, alpha: number, beta: number): number;
  /** dy/dx at x (y = f(x) given for convenience). */
  df(x: number, y: number, alpha: number): number;
}

export const unaryRefs: Record<UnaryName, UnaryRef> = {
  neg: { f: (x) => -x, df: () => -1 },
  exp: { f: (x) => Math.exp(x), df: (_x, y) => y },
  log: { f: (x) => Math.log(x), df: (x) => 1 / x },
  sqrt: { f: (x) => Math.sqrt(x), df: (_x, y) => 0.5 / y },
  square: { f: (x) => x * x, df: (x) => 2 * x },
  relu: { f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0) },
  tanh: { f: (x) => Math.tanh(x), df: (_x, y) => 1 - y * y },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), df: (_x, y) => y * (1 - y) },
  affine: { f: (x, a, b) => a * x + b, df: (_x, _y, a) => a },
};

export function unaryForward(name: UnaryName, x: F64, alpha = 1, beta = 0): F64 {
  const r = unaryRefs[name];
  return map(x, (v) => r.f(v, alpha, beta));
}

export function unaryBackward(name: UnaryName, x: F64, g: F64, alpha = 1, beta = 0): F64 {
  const r = unaryRefs[name];
  return map(x, (v, i) => g[i]! * r.df(v, r.f(v, alpha, beta), alpha));
}

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

export function binaryForward(op: BinaryOp, a: F64, aShape: Shape, b: F64, bShape: Shape): F64 {
  return broadcastMap(a, aShape, b, bShape, binaryFns[op]);
}

/** Gradients of a broadcast binary op: the elementwise partials, summed back to each shape. */
export function binaryBackward(op: BinaryOp, a: F64, aShape: Shape, b: F64, bShape: Shape, g: F64): [F64, F64] {
  const shape = broadcastShapes(aShape, bShape);
  const da: Record<BinaryOp, (x: number, y: number) => number> = { add: () => 1, sub: () => 1, mul: (_x, y) => y, div: (_x, y) => 1 / y };
  const db: Record<BinaryOp, (x: number, y: number) => number> = { add: () => 1, sub: () => -1, mul: (x) => x, div: (x, y) => -x / (y * y) };
  const pa = broadcastMap(a, aShape, b, bShape, da[op]);
  const pb = broadcastMap(a, aShape, b, bShape, db[op]);
  return [sumTo(map(pa, (v, i) => v * g[i]!), shape, aShape), sumTo(map(pb, (v, i) => v * g[i]!), shape, bShape)];
}

export { permuteRef };

/** Float64 concat along `axis` of tensors with the given shapes. */
export function concatRef(xs: readonly F64[], shapes: readonly Shape[], axis: number): F64 {
  const outer = shapes[0]!.slice(0, axis).reduce((a, d) => a * d, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    xs.forEach((x, i) => {
      const block = shapes[i]!.slice(axis).reduce((a, d) => a * d, 1);
      out.push(...x.subarray(o * block, (o + 1) * block));
    });
  }
  return Float64Array.from(out);
}

/** Float64 gradients of concat: each input's stretch of g. */
export function concatGradRef(g: F64, shapes: readonly Shape[], axis: number): F64[] {
  const outer = shapes[0]!.slice(0, axis).reduce((a, d) => a * d, 1);
  const blocks = shapes.map((s) => s.slice(axis).reduce((a, d) => a * d, 1));
  const total = blocks.reduce((a, b) => a + b, 0);
  return shapes.map((_, i) => {
    const before = blocks.slice(0, i).reduce((a, b) => a + b, 0);
    const out = new Float64Array(outer * blocks[i]!);
    for (let o = 0; o < outer; o++) out.set(g.subarray(o * total + before, o * total + before + blocks[i]!), o * blocks[i]!);
    return out;
  });
}
