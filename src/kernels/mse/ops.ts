// Mean squared error, mean((a - b)²), as a scalar (shape []), like F.mse_loss's default.
// Forward is the two-pass sum of squares; backward is one elementwise kernel that reads the
// scalar output gradient from its buffer (no readback), writing da and, when wanted, db = -da.

import { InvalidInputError } from '../../shared/errors.ts';
import type { Tape } from '../autograd/tape.ts';
import { flatKernelHead, grid } from '../core/program.ts';
import { sameShape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { finishSum, partialCount, sumSquaresPartials } from '../reduce/sum-squares.ts';

const WG = 256;

const backwardBody = (both: boolean) => `
${flatKernelHead(WG)}
  let d = gy[0] * 2.0 / f32(u.n) * (a[i] - b[i]);
  ga[i] = d;
  ${both ? 'gb[i] = -d;' : ''}
}
`;

export function mse(tape: Tape, a: Tensor, b: Tensor): Tensor {
  const ctx = tape.ctx;
  if (!sameShape(a.shape, b.shape)) throw new InvalidInputError(`mse: shapes differ, ${a.describe()} vs ${b.describe()}.`);
  const count = partialCount(a.size);
  const partials = ctx.empty([count], 'mse.partials');
  sumSquaresPartials(ctx, a, b, partials, 0);
  const loss = ctx.empty([], 'mse');
  finishSum(ctx, partials, count, loss, 'out[0] = s * u.alpha;', 1 / a.size);
  ctx.release(partials);
  tape.record('mse', [a, b], [loss], ([g], needs) => {
    if (!g) return [null, null];
    // One kernel writes da (and db); when only b needs a gradient, swap the roles: d/db = -d/da.
    const [first, second] = needs[0] ? [a, b] : [b, a];
    const ga = ctx.empty(a.shape, 'mse.grad');
    const gb = needs[0] && needs[1] ? ctx.empty(b.shape, 'mse.grad') : null;
    ctx.run({
      label: 'mse.backward',
      body: backwardBody(gb !== null),
      params: { n: ['u32', a.size] },
      inputs: { gy: g, a: first, b: second },
      outputs: gb ? { ga, gb } : { ga },
      workgroups: grid(a.size, WG, ctx.limits.maxComputeWorkgroupsPerDimension),
      shape: a.shape,
    });
    return needs[0] ? [ga, gb] : [null, ga];
  });
  return loss;
}
