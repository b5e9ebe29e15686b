// Tape-aware GELU, SiLU and GEGLU.

import { InvalidInputError } from '../../shared/errors.ts';
import type { Tape } from '../autograd/tape.ts';
import type { GpuContext } from '../core/context.ts';
import { grid } from '../core/program.ts';
import type { Tensor } from '../core/tensor.ts';
import { unaryOp } from '../elementwise/ops.ts';
import { GEGLU_WG, gegluBackwardBody, gegluForwardBody, geluSpec, siluSpec } from './shader.ts';

export const gelu = (tape: Tape, x: Tensor): Tensor => unaryOp(tape, geluSpec, x);
export const silu = (tape: Tape, x: Tensor): Tensor => unaryOp(tape, siluSpec, x);

function gegluRun(ctx: GpuContext, label: string, body: string, x: Tensor, inputs: Record<string, Tensor>, out: Tensor, d: number): void {
  const n = x.size / 2;
  ctx.run({
    label,
    body,
    params: { n: ['u32', n], D: ['u32', d] },
    inputs,
    outputs: label === 'geglu' ? { y: out } : { gx: out },
    workgroups: grid(n, GEGLU_WG, ctx.limits.maxComputeWorkgroupsPerDimension),
    shape: x.shape,
  });
}

/** GEGLU: x [..., 2D] → a · gelu(gate) [..., D], a and gate the two halves of the last axis. */
export function geglu(tape: Tape, x: Tensor): Tensor {
  const ctx = tape.ctx;
  const last = x.shape[x.rank - 1];
  if (last === undefined || last % 2 !== 0) throw new InvalidInputError(`geglu: the last axis of ${x.describe()} must be even.`);
  const d = last / 2;
  const y = ctx.empty([...x.shape.slice(0, -1), d], 'geglu');
  gegluRun(ctx, 'geglu', gegluForwardBody, x, { x }, y, d);
  tape.record('geglu', [x], [y], ([g]) => {
    if (!g) return [null];
    const gx = ctx.empty(x.shape, 'geglu.dx');
    gegluRun(ctx, 'geglu.backward', gegluBackwardBody, x, { x, gy: g }, gx, d);
    return [gx];
  });
  return y;
}
