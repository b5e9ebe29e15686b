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
