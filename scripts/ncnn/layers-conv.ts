// Convolution and Deconvolution (and their depthwise forms) with ncnn's fused activations.
// ncnn param ids: 0 num_output, 1/11 kernel w/h, 2/12 dilation, 3/13 stride, 4/14/15/16 pad
// left/top/right/bottom, 5 bias_term, 6 weight_data_size, 7 group (depthwise), 8 int8_scale_term,
// 9 activation_type, 10 activation_params; Convolution 18 pad_value; Deconvolution 18/19
// output_pad right/bottom, 20/21 output size.

import type { ConvertContext } from './context.ts';
import { arrayParam, scalarParam, type NcnnLayer } from './param.ts';

/** ncnn's activation_type codes, applied after the convolution's bias. */
export function activation(ctx: ConvertContext, layer: NcnnLayer, x: string, type: number, params: readonly number[]): string {
  const g = ctx.graph;
  switch (type) {
    case 0:
      return x;
    case 1:
      return g.node('Relu', [x]);
    case 2:
      return g.node('LeakyRelu', [x], { alpha: { float: params[0] ?? 0 } });
    case 3:
      return g.node('Clip', [x, ctx.scalar('clip_min', params[0] ?? 0), ctx.scalar('clip_max', params[1] ?? 0)]);
    case 4:
      return g.node('Sigmoid', [x]);
    case 5: // mish = x * tanh(softplus(x)); opset 17 has no Mish op
      return g.node('Mul', [x, g.node('Tanh', [g.node('Softplus', [x])])]);
    case 6: // ncnn's hardswish takes its own alpha/beta, so HardSwish (fixed 1/6, 0.5) won't do
      return g.node('Mul', [x, g.node('HardSigmoid', [x], { alpha: { float: params[0] ?? 0 }, beta: { float: params[1] ?? 0 } })]);
    default:
      return ctx.fail(layer, `activation_type ${type} is not supported`);
  }
}

interface ConvShape {
  numOutput: number;
  kernel: [number, number];
  dilation: [number, number];
  stride: [number, number];
  /** ONNX order: top, left, bottom, right. */
  pads: [number, number, number, number];
  group: number;
  /** Input channels per group, derived from weight_data_size (ncnn does not store it). */
  inPerGroup: number;
  weightCount: number;
}

function convShape(ctx: ConvertContext, layer: NcnnLayer, depthwise: boolean): ConvShape {
  const p = (id: number, fallback: number) => scalarParam(layer, id, fallback);
  const numOutput = p(0, 0);
  const kw = p(1, 0);
  const kh = p(11, kw);
  const padLeft = p(4, 0);
  const padTop = p(14, padLeft);
  const group = depthwise ? p(7, 1) : 1;
  const weightCount = p(6, 0);
  if (p(8, 0) !== 0) ctx.fail(layer, 'int8 weights are not supported');
  const perOutput = (numOutput / group) * kh * kw;
  const inPerGroup = weightCount / (group * perOutput);
  if (!Number.isInteger(inPerGroup) || inPerGroup < 1) ctx.fail(layer, `weight_data_size ${weightCount} does not fit ${numOutput} outputs of ${kh}x${kw}`);
  return {
    numOutput,
    kernel: [kh, kw],
    dilation: [p(12, p(2, 1)), p(2, 1)],
    stride: [p(13, p(3, 1)), p(3, 1)],
    pads: [padTop, padLeft, p(16, padTop), p(15, padLeft)],
    group,
    inPerGroup,
    weightCount,
  };
}

function readBias(ctx: ConvertContext, layer: NcnnLayer, count: number): string[] {
  if (scalarParam(layer, 5, 0) === 0) return [];
  return [ctx.graph.float(`${layer.name}.bias`, [count], ctx.read(layer, 'bias', count))];
}

function fusedActivation(ctx: ConvertContext, layer: NcnnLayer, x: string): string {
  return activation(ctx, layer, x, scalarParam(layer, 9, 0), arrayParam(layer, 10));
}

export function convolution(ctx: ConvertContext, layer: NcnnLayer): void {
  const s = convShape(ctx, layer, layer.type === 'ConvolutionDepthWise');
  if (scalarParam(layer, 18, 0) !== 0) ctx.fail(layer, 'a non-zero pad_value is not supported');
  if (scalarParam(layer, 19, 0) !== 0) ctx.fail(layer, 'dynamic weights are not supported');
  // ncnn already stores convolution weights as O, I/group, H, W: ONNX's layout.
  const weight = ctx.read(layer, 'weight', s.weightCount);
  const w = ctx.graph.float(`${layer.name}.weight`, [s.numOutput, s.inPerGroup, ...s.kernel], weight);
  const attributes: Record<string, number[] | number | string> = {
    kernel_shape: s.kernel,
    dilations: s.dilation,
    strides: s.stride,
    group: s.group,
  };
  // -233 / -234 are ncnn's SAME_UPPER / SAME_LOWER markers, the same rule as ONNX's auto_pad.
  if (s.pads[1] === -233) attributes.auto_pad = 'SAME_UPPER';
  else if (s.pads[1] === -234) attributes.auto_pad = 'SAME_LOWER';
  else if (s.pads.some((v) => v < 0)) ctx.fail(layer, `padding ${s.pads.join(',')} is not supported`);
  else attributes.pads = s.pads;
  const [x] = ctx.inputs(layer);
  if (x === undefined || layer.tops.length !== 1) ctx.fail(layer, 'expects one input and one output');
  const y = ctx.graph.node('Conv', [x, w, ...readBias(ctx, layer, s.numOutput)], attributes);
  ctx.define(layer.tops[0]!, fusedActivation(ctx, layer, y));
}

/**
 * ncnn stores deconvolution weights per group as [out][in][kh][kw]; ONNX ConvTranspose wants
 * [in][out/group][kh][kw]. Swap the channel axes inside each group.
 */
export function deconvWeightToOnnx(ncnn: Float32Array, group: number, outPerGroup: number, inPerGroup: number, spatial: number): Float32Array {
  const out = new Float32Array(ncnn.length);
  for (let g = 0; g < group; g++) {
    const base = g * outPerGroup * inPerGroup * spatial;
    for (let o = 0; o < outPerGroup; o++) {
      for (let i = 0; i < inPerGroup; i++) {
        const from = base + (o * inPerGroup + i) * spatial;
        const to = base + (i * outPerGroup + o) * spatial;
        out.set(ncnn.subarray(from, from + spatial), to);
      }
    }
  }
  return out;
}

export function deconvolution(ctx: ConvertContext, layer: NcnnLayer): void {
  const s = convShape(ctx, layer, layer.type === 'DeconvolutionDepthWise');
  if (s.pads.some((v) => v < 0)) ctx.fail(layer, `padding ${s.pads.join(',')} is not supported`);
  if (scalarParam(layer, 20, 0) !== 0 || scalarParam(layer, 21, 0) !== 0) ctx.fail(layer, 'a fixed output size is not supported');
  const outputPadRight = scalarParam(layer, 18, 0);
  const outputPadBottom = scalarParam(layer, 19, outputPadRight);
  const outPerGroup = s.numOutput / s.group;
  const spatial = s.kernel[0] * s.kernel[1];
  const weight = deconvWeightToOnnx(ctx.read(layer, 'weight', s.weightCount), s.group, outPerGroup, s.inPerGroup, spatial);
  const w = ctx.graph.float(`${layer.name}.weight`, [s.inPerGroup * s.group, outPerGroup, ...s.kernel], weight);
  const [x] = ctx.inputs(layer);
  if (x === undefined || layer.tops.length !== 1) ctx.fail(layer, 'expects one input and one output');
  const y = ctx.graph.node('ConvTranspose', [x, w, ...readBias(ctx, layer, s.numOutput)], {
    kernel_shape: s.kernel,
    dilations: s.dilation,
    strides: s.stride,
    group: s.group,
    pads: s.pads,
    output_padding: [outputPadBottom, outputPadRight],
  });
  ctx.define(layer.tops[0]!, fusedActivation(ctx, layer, y));
}
