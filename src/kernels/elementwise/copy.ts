// Strided copies: concat and slice (and chunk), the joins and splits a UNet's skip connections
// and attention's fused projections need. One kernel copies a block of shape `shape` from
// src (base src0, strides ss) to dst (base dst0, strides ds); concat writes each input into its
// stretch of the output, slice reads one stretch out, and each one's gradient is the other.

import { InvalidInputError } from '../../shared/errors.ts';
import type { Tape } from '../autograd/tape.ts';
import type { GpuContext } from '../core/context.ts';
import { axisParams, offsetsWgsl } from '../core/indexing.ts';
import { flatKernelHead, grid } from '../core/program.ts';
import { formatShape, numel, stridesOf, type Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';

const WG = 256;

const copyBody = `
${flatKernelHead(WG)}
  ${offsetsWgsl('i', 'd', { si: 'ss', di: 'ds' })}
  dst[u.dst0 + di] = src[u.src0 + si];
}
`;

interface Region {
  base: number;
  strides: readonly number[];
}

/** Copies a `shape` block from src's region into dst's region. */
export function copyRegion(ctx: GpuContext, src: Tensor, from: Region, dst: Tensor, to: Region, shape: Shape): void {
  const n = numel(shape);
  ctx.run({
    label: 'copy',
    body: copyBody,
    params: {
      n: ['u32', n],
      src0: ['u32', from.base],
      dst0: ['u32', to.base],
      ...axisParams('d', shape, 1),
      ...axisParams('ss', from.strides, 0),
      ...axisParams('ds', to.strides, 0),
    },
    inputs: { src },
    outputs: { dst },
    workgroups: grid(n, WG, ctx.limits.maxComputeWorkgroupsPerDimension),
    shape,
  });
}

function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new InvalidInputError(`Axis ${axis} is out of range for rank ${rank}.`);
  return a;
}

/** Joins tensors along `axis`; all other dimensions must match. */
export function concat(tape: Tape, xs: readonly Tensor[], axis: number): Tensor {
  const ctx = tape.ctx;
  const first = xs[0];
  if (!first) throw new InvalidInputError('concat needs at least one tensor.');
  const ax = normalizeAxis(axis, first.rank);
  for (const x of xs) {
    if (x.rank !== first.rank || x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new InvalidInputError(`concat along axis ${ax}: ${x.describe()} does not match ${first.describe()}.`);
    }
  }
  const outShape = first.shape.map((d, i) => (i === ax ? xs.reduce((s, x) => s + x.shape[ax]!, 0) : d));
  const out = ctx.empty(outShape, 'concat');
  const outStrides = stridesOf(outShape);
  const starts: number[] = [];
  let start = 0;
  for (const x of xs) {
    starts.push(start);
    copyRegion(ctx, x, { base: 0, strides: stridesOf(x.shape) }, out, { base: start * outStrides[ax]!, strides: outStrides }, x.shape);
    start += x.shape[ax]!;
  }
  tape.record('concat', xs, [out], ([g], needs) =>
    xs.map((x, i) => {
      if (!g || !needs[i]) return null;
      const gx = ctx.empty(x.shape, 'concat.grad');
      copyRegion(ctx, g, { base: starts[i]! * outStrides[ax]!, strides: outStrides }, gx, { base: 0, strides: stridesOf(x.shape) }, x.shape);
      return gx;
    }),
  );
  return out;
}

/** x[..., start:end, ...] along `axis` (a copy). */
export function slice(tape: Tape, x: Tensor, axis: number, start: number, end: number): Tensor {
  const ctx = tape.ctx;
  const ax = normalizeAxis(axis, x.rank);
  const size = x.shape[ax]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > size || start >= end) {
    throw new InvalidInputError(`slice ${start}:${end} along axis ${ax} of ${formatShape(x.shape)} is empty or out of range.`);
  }
  const outShape = x.shape.map((d, i) => (i === ax ? end - start : d));
  const strides = stridesOf(x.shape);
  const out = ctx.empty(outShape, 'slice');
  const region = { base: start * strides[ax]!, strides };
  copyRegion(ctx, x, region, out, { base: 0, strides: stridesOf(outShape) }, outShape);
  tape.record('slice', [x], [out], ([g]) => {
    if (!g) return [null];
    const gx = ctx.zeros(x.shape, 'slice.grad');
    copyRegion(ctx, g, { base: 0, strides: stridesOf(outShape) }, gx, region, outShape);
    return [gx];
  });
  return out;
}

/** Splits `axis` into `chunks` equal parts (torch.chunk with an even split). */
export function chunk(tape: Tape, x: Tensor, chunks: number, axis: number): Tensor[] {
  const ax = normalizeAxis(axis, x.rank);
  const size = x.shape[ax]!;
  if (!Number.isInteger(chunks) || chunks < 1 || size % chunks !== 0) {
    throw new InvalidInputError(`chunk: axis ${ax} of ${x.describe()} does not split into ${chunks} equal parts.`);
  }
  const part = size / chunks;
  return Array.from({ length: chunks }, (_, i) => slice(tape, x, ax, i * part, (i + 1) * part));
}
