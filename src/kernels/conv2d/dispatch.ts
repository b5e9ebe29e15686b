// Conv2d GPU kernels (NCHW input, OIHW weight, square stride and padding, no groups or
// dilation): validation, the three implicit GEMMs, and the bias gradient as a reduction.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import type { Param } from '../core/program.ts';
import { formatShape, type Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { checkGemm, defaultTile, runGemm, type GemmTile } from '../matmul/gemm.ts';
import { reduceSum } from '../reduce/dispatch.ts';
import { convForwardBody, convGradInputBody, convGradWeightBody } from './shader.ts';

export interface Conv2dOptions {
  stride?: number;
  padding?: number;
}

export interface ConvPlan {
  b: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  ho: number;
  wo: number;
}

export function planConv2d(xShape: Shape, wShape: Shape, options: Conv2dOptions = {}): ConvPlan {
  const { stride = 1, padding = 0 } = options;
  if (xShape.length !== 4 || wShape.length !== 4) {
    throw new InvalidInputError(`conv2d needs x [B, C, H, W] and weight [O, C, KH, KW]: got ${formatShape(xShape)} and ${formatShape(wShape)}.`);
  }
  const [b, c, h, w] = xShape as [number, number, number, number];
  const [o, cw, kh, kw] = wShape as [number, number, number, number];
  if (c !== cw) throw new InvalidInputError(`conv2d: input has ${c} channels, weight ${formatShape(wShape)} expects ${cw}.`);
  if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(padding) || padding < 0) {
    throw new InvalidInputError(`conv2d: stride ${stride} and padding ${padding} must be integers (stride ≥ 1, padding ≥ 0).`);
  }
  const ho = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const wo = Math.floor((w + 2 * padding - kw) / stride) + 1;
  if (ho < 1 || wo < 1) throw new InvalidInputError(`conv2d: kernel ${kh}×${kw} does not fit input ${h}×${w} with padding ${padding}.`);
  return { b, c, h, w, o, kh, kw, stride, pad: padding, ho, wo };
}

function convParams(p: ConvPlan, m: number, n: number, k: number): Record<string, Param> {
  const u = (v: number): Param => ['u32', v];
  return {
    M: u(m), N: u(n), K: u(k),
    B: u(p.b), C: u(p.c), H: u(p.h), W: u(p.w), O: u(p.o),
    KH: u(p.kh), KW: u(p.kw), S: u(p.stride), P: u(p.pad), HO: u(p.ho), WO: u(p.wo),
  };
}

export function conv2dForward(ctx: GpuContext, x: Tensor, weight: Tensor, bias: Tensor | null, p: ConvPlan, tile: GemmTile = defaultTile): Tensor {
  if (bias && bias.size !== p.o) throw new InvalidInputError(`conv2d: bias ${bias.describe()} for ${p.o} output channels.`);
  const m = p.o;
  const n = p.ho * p.wo;
  checkGemm(ctx, 'conv2d', m, n, tile, x.shape);
  const y = ctx.empty([p.b, p.o, p.ho, p.wo], 'conv2d');
  runGemm(ctx, {
    label: 'conv2d',
    body: convForwardBody(bias !== null, tile),
    params: convParams(p, m, n, p.c * p.kh * p.kw),
    inputs: { weight, x, ...(bias ? { bias } : {}) },
    outputs: { y },
    shape: x.shape,
  }, m, n, p.b, tile);
  return y;
}

export function conv2dGradInput(ctx: GpuContext, gy: Tensor, weight: Tensor, p: ConvPlan, tile: GemmTile = defaultTile): Tensor {
  const m = p.c;
  const n = p.h * p.w;
  checkGemm(ctx, 'conv2d.backward-input', m, n, tile, gy.shape);
  const gx = ctx.empty([p.b, p.c, p.h, p.w], 'conv2d.dx');
  runGemm(ctx, {
    label: 'conv2d.backward-input',
    body: convGradInputBody(tile),
    params: convParams(p, m, n, p.o * p.kh * p.kw),
    inputs: { weight, gy },
    outputs: { gx },
    shape: gy.shape,
  }, m, n, p.b, tile);
  return gx;
}

export function conv2dGradWeight(ctx: GpuContext, gy: Tensor, x: Tensor, p: ConvPlan, tile: GemmTile = defaultTile): Tensor {
  const m = p.o;
  const n = p.c * p.kh * p.kw;
  checkGemm(ctx, 'conv2d.backward-weight', m, n, tile, x.shape);
  const gw = ctx.empty([p.o, p.c, p.kh, p.kw], 'conv2d.dw');
  runGemm(ctx, {
    label: 'conv2d.backward-weight',
    body: convGradWeightBody(tile),
    params: convParams(p, m, n, p.b * p.ho * p.wo),
    inputs: { gy, x },
    outputs: { gw },
    shape: x.shape,
  }, m, n, 1, tile);
  return gw;
}

export function conv2dGradBias(ctx: GpuContext, gy: Tensor, p: ConvPlan): Tensor {
  const summed = reduceSum(ctx, gy, [0, 2, 3]);
  const gb = summed.view([p.o], false);
  ctx.release(summed);
  return gb;
}
