// The non-convolution layers of the Real-ESRGAN ncnn models: PReLU, PixelShuffle, Interp,
// BinaryOp, Eltwise, Concat. (Input and Split are plumbing; the converter handles them.)

import type { ConvertContext } from './context.ts';
import { arrayParam, scalarParam, type NcnnLayer } from './param.ts';

function one(ctx: ConvertContext, layer: NcnnLayer): { x: string; top: string } {
  const [x] = ctx.inputs(layer);
  const top = layer.tops[0];
  if (x === undefined || top === undefined || layer.bottoms.length !== 1 || layer.tops.length !== 1) {
    return ctx.fail(layer, 'expects one input and one output');
  }
  return { x, top };
}

/** 0=num_slope; the slopes are raw float32, one per channel (or one shared). */
export function prelu(ctx: ConvertContext, layer: NcnnLayer): void {
  const { x, top } = one(ctx, layer);
  const count = scalarParam(layer, 0, 1);
  const slope = ctx.read(layer, 'slope', count);
  // [C,1,1] broadcasts over NCHW along C; a single slope broadcasts everywhere.
  const dims = count === 1 ? [1] : [count, 1, 1];
  ctx.define(top, ctx.graph.node('PRelu', [x, ctx.graph.float(`${layer.name}.slope`, dims, slope)]));
}

/** 0=upscale_factor, 1=mode: ncnn mode 0 is PyTorch's pixel_shuffle (ONNX CRD), mode 1 is DCR. */
export function pixelShuffle(ctx: ConvertContext, layer: NcnnLayer): void {
  const { x, top } = one(ctx, layer);
  const mode = scalarParam(layer, 1, 0);
  if (mode !== 0 && mode !== 1) ctx.fail(layer, `mode ${mode} is not supported`);
  ctx.define(top, ctx.graph.node('DepthToSpace', [x], { blocksize: scalarParam(layer, 0, 1), mode: mode === 0 ? 'CRD' : 'DCR' }));
}

/**
 * 0=resize_type (1 nearest, 2 bilinear, 3 bicubic), 1/2=height/width scale, 3/4=output size,
 * 5=dynamic size, 6=align_corner. ncnn's nearest picks floor(x / scale) (ONNX asymmetric+floor);
 * its bilinear and bicubic (A = -0.75, edge-clamped) sample at pixel centres (ONNX half_pixel).
 */
export function interp(ctx: ConvertContext, layer: NcnnLayer): void {
  const { x, top } = one(ctx, layer);
  const type = scalarParam(layer, 0, 0);
  const hs = scalarParam(layer, 1, 1);
  const ws = scalarParam(layer, 2, 1);
  if (scalarParam(layer, 3, 0) !== 0 || scalarParam(layer, 4, 0) !== 0 || scalarParam(layer, 5, 0) !== 0) {
    ctx.fail(layer, 'only resizing by scale is supported, not to a fixed or dynamic size');
  }
  const alignCorners = scalarParam(layer, 6, 0) !== 0;
  const transform = alignCorners ? 'align_corners' : 'half_pixel';
  let attributes: Record<string, string | { float: number }>;
  if (type === 1) attributes = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
  else if (type === 2) attributes = { mode: 'linear', coordinate_transformation_mode: transform };
  else if (type === 3) attributes = { mode: 'cubic', coordinate_transformation_mode: transform, cubic_coeff_a: { float: -0.75 } };
  else return ctx.fail(layer, `resize_type ${type} is not supported`);
  const scales = ctx.graph.float(`${layer.name}.scales`, [4], [1, 1, hs, ws]);
  ctx.define(top, ctx.graph.node('Resize', [x, '', scales], attributes));
}

// ncnn BinaryOp op_type → ONNX op, and whether the operands are swapped (the "reverse" ops).
const binaryOps: Record<number, [string, boolean]> = {
  0: ['Add', false],
  1: ['Sub', false],
  2: ['Mul', false],
  3: ['Div', false],
  4: ['Max', false],
  5: ['Min', false],
  6: ['Pow', false],
  7: ['Sub', true],
  8: ['Div', true],
  9: ['Pow', true],
};

/** 0=op_type, 1=with_scalar, 2=the scalar operand. */
export function binaryOp(ctx: ConvertContext, layer: NcnnLayer): void {
  const op = binaryOps[scalarParam(layer, 0, 0)];
  if (!op) return ctx.fail(layer, `op_type ${scalarParam(layer, 0, 0)} is not supported`);
  const withScalar = scalarParam(layer, 1, 0) !== 0;
  const inputs = ctx.inputs(layer);
  const top = layer.tops[0];
  if (top === undefined || inputs.length !== (withScalar ? 1 : 2)) ctx.fail(layer, 'wrong number of inputs');
  const [a, b] = withScalar ? [inputs[0]!, ctx.scalar(`${layer.name}.b`, scalarParam(layer, 2, 0))] : [inputs[0]!, inputs[1]!];
  ctx.define(top!, ctx.graph.node(op[0], op[1] ? [b, a] : [a, b]));
}

/** 0=op_type (0 product, 1 sum, 2 max), 1=coefficients for a weighted sum. */
export function eltwise(ctx: ConvertContext, layer: NcnnLayer): void {
  const g = ctx.graph;
  const inputs = ctx.inputs(layer);
  const top = layer.tops[0];
  if (top === undefined || inputs.length < 2) return ctx.fail(layer, 'expects at least two inputs');
  const type = scalarParam(layer, 0, 1);
  const coeffs = arrayParam(layer, 1);
  if (type === 0 || type === 2) {
    if (coeffs.length > 0) ctx.fail(layer, 'coefficients apply only to sums');
    // ONNX Max takes any number of inputs; Mul takes two, so a product is a chain.
    ctx.define(top, type === 2 ? g.node('Max', inputs) : inputs.slice(1).reduce((acc, x) => g.node('Mul', [acc, x]), inputs[0]!));
    return;
  }
  if (type !== 1) return ctx.fail(layer, `op_type ${type} is not supported`);
  if (coeffs.length > 0 && coeffs.length !== inputs.length) ctx.fail(layer, `${coeffs.length} coefficients for ${inputs.length} inputs`);
  // A coefficient of 1 needs no Mul; Real-ESRGAN's residual scaling is 0.2·a + 1·b.
  const terms = inputs.map((x, i) => {
    const c = coeffs[i] ?? 1;
    return c === 1 ? x : g.node('Mul', [x, ctx.scalar(`${layer.name}.coeff${i}`, c)]);
  });
  ctx.define(top, g.node('Sum', terms));
}

/** 0=axis over ncnn's batch-less [C,H,W]; ONNX's NCHW adds a leading batch axis. */
export function concat(ctx: ConvertContext, layer: NcnnLayer): void {
  const top = layer.tops[0];
  if (top === undefined) return ctx.fail(layer, 'expects one output');
  const axis = scalarParam(layer, 0, 0);
  ctx.define(top, ctx.graph.node('Concat', ctx.inputs(layer), { axis: axis < 0 ? axis : axis + 1 }));
}
