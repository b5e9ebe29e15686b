// Tape-aware elementwise ops: unary maps, broadcast add/sub/mul/div, reshape and permute.
// A broadcast operand's gradient is the output gradient summed back to its shape (reduceTo).

import type { Tape } from '../autograd/tape.ts';
import type { GpuContext } from '../core/context.ts';
import type { Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { reduceTo } from '../reduce/dispatch.ts';
import { permute as permuteKernel, runBinary, runUnary, runUnaryGrad, type BinaryOp, type UnarySpec } from './dispatch.ts';
import { unarySpecs, type UnaryName } from './specs.ts';

export function unaryOp(tape: Tape, spec: UnarySpec, x: Tensor, alpha = 1, beta = 0): Tensor {
  const y = runUnary(tape.ctx, spec, x, alpha, beta);
  tape.record(spec.name, [x], [y], ([g]) => [g ? runUnaryGrad(tape.ctx, spec, x, y, g, alpha, beta) : null]);
  return y;
}

export const unary = (tape: Tape, name: UnaryName, x: Tensor): Tensor => unaryOp(tape, unarySpecs[name], x);
export const neg = (tape: Tape, x: Tensor): Tensor => unary(tape, 'neg', x);
export const exp = (tape: Tape, x: Tensor): Tensor => unary(tape, 'exp', x);
export const relu = (tape: Tape, x: Tensor): Tensor => unary(tape, 'relu', x);
export const sigmoid = (tape: Tape, x: Tensor): Tensor => unary(tape, 'sigmoid', x);

/** alpha · x + beta. */
export function scale(tape: Tape, x: Tensor, alpha: number, beta = 0): Tensor {
  return unaryOp(tape, unarySpecs.affine, x, alpha, beta);
}

/** Reduces a temporary gradient to `shape`, releasing the temporary when a new tensor results. */
function reduceOwned(ctx: GpuContext, t: Tensor, shape: Shape): Tensor {
  const r = reduceTo(ctx, t, shape);
  if (r !== t) ctx.release(t);
  return r;
}

export function binary(tape: Tape, op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const ctx = tape.ctx;
  const y = runBinary(ctx, op, a, b);
  tape.record(op, [a, b], [y], ([g], needs) => {
    if (!g) return [null, null];
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (op === 'add' || op === 'sub') {
      if (needs[0]) ga = reduceTo(ctx, g, a.shape);
      if (needs[1]) gb = op === 'add' ? reduceTo(ctx, g, b.shape) : reduceOwned(ctx, runUnary(ctx, unarySpecs.neg, g), b.shape);
    } else if (op === 'mul') {
      if (needs[0]) ga = reduceOwned(ctx, runBinary(ctx, 'mul', g, b), a.shape);
      if (needs[1]) gb = reduceOwned(ctx, runBinary(ctx, 'mul', g, a), b.shape);
    } else {
      if (needs[0]) ga = reduceOwned(ctx, runBinary(ctx, 'div', g, b), a.shape);
      if (needs[1]) {
        // d(a/b)/db = -a/b² = -y/b
        const gy = runBinary(ctx, 'mul', g, y);
        gb = reduceOwned(ctx, runBinary(ctx, 'div', gy, b, -1), b.shape);
        ctx.release(gy);
      }
    }
    return [ga, gb];
  });
  return y;
}

export const add = (tape: Tape, a: Tensor, b: Tensor): Tensor => binary(tape, 'add', a, b);
export const sub = (tape: Tape, a: Tensor, b: Tensor): Tensor => binary(tape, 'sub', a, b);
export const mul = (tape: Tape, a: Tensor, b: Tensor): Tensor => binary(tape, 'mul', a, b);
export const div = (tape: Tape, a: Tensor, b: Tensor): Tensor => binary(tape, 'div', a, b);

/** Same data, another shape (a view: no copy). */
export function reshape(tape: Tape, x: Tensor, shape: Shape): Tensor {
  const y = x.view(shape, false);
  tape.record('reshape', [x], [y], ([g]) => [g ? g.view(x.shape, false) : null]);
  return y;
}

/** Reorders axes (a copy): output axis k is input axis perm[k]. */
export function permute(tape: Tape, x: Tensor, perm: readonly number[]): Tensor {
  const y = permuteKernel(tape.ctx, x, perm);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  tape.record('permute', [x], [y], ([g]) => [g ? permuteKernel(tape.ctx, g, inverse) : null]);
  return y;
}
