// Tape-aware nearest upsampling of x [..., H, W] by integer factors.

import { InvalidInputError } from '../../shared/errors.ts';
import type { Tape } from '../autograd/tape.ts';
import { grid } from '../core/program.ts';
import type { Tensor } from '../core/tensor.ts';
import { UPSAMPLE_WG, upsampleBackwardBody, upsampleForwardBody } from './shader.ts';

export function upsampleNearest(tape: Tape, x: Tensor, scaleY: number, scaleX = scaleY): Tensor {
  const ctx = tape.ctx;
  if (x.rank < 2 || ![scaleY, scaleX].every((s) => Number.isInteger(s) && s >= 1)) {
    throw new InvalidInputError(`upsampleNearest: needs [..., H, W] and integer scales ≥ 1; got ${x.describe()} × (${scaleY}, ${scaleX}).`);
  }
  const h = x.shape[x.rank - 2]!;
  const w = x.shape[x.rank - 1]!;
  const y = ctx.empty([...x.shape.slice(0, -2), h * scaleY, w * scaleX], 'upsample');
  const params = (n: number) => ({ n: ['u32', n], H: ['u32', h], W: ['u32', w], SY: ['u32', scaleY], SX: ['u32', scaleX] }) as const;
  const groups = (n: number) => grid(n, UPSAMPLE_WG, ctx.limits.maxComputeWorkgroupsPerDimension);
  ctx.run({ label: 'upsample-nearest', body: upsampleForwardBody, params: params(y.size), inputs: { src: x }, outputs: { dst: y }, workgroups: groups(y.size), shape: y.shape });
  tape.record('upsample-nearest', [x], [y], ([g]) => {
    if (!g) return [null];
    const gx = ctx.empty(x.shape, 'upsample.dx');
    ctx.run({ label: 'upsample-nearest.backward', body: upsampleBackwardBody, params: params(x.size), inputs: { gy: g }, outputs: { gx }, workgroups: groups(x.size), shape: x.shape });
    return [gx];
  });
  return y;
}
