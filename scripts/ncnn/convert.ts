// ncnn (.param + .bin) → ONNX, for the image-to-image nets we ship (Real-ESRGAN family).
// The ONNX graph takes `input` [1,C,H,W] float32 in [0,1] and gives `output` [1,C,H',W'],
// clamped to [0,1] because ncnn's apps clamp when they turn the result back into pixels.

import { GraphBuilder } from '../onnx/graph-builder.ts';
import { NcnnWeightReader } from './bin.ts';
import { ConvertContext, NcnnConvertError, type WeightTransform } from './context.ts';
import { convolution, deconvolution } from './layers-conv.ts';
import { binaryOp, concat, eltwise, interp, pixelShuffle, prelu } from './layers-misc.ts';
import { parseNcnnParam, scalarParam, type NcnnLayer } from './param.ts';

export interface ConvertOptions {
  /** The ONNX graph's name. */
  readonly name: string;
  /** Channels of the input and output images; ncnn's Input layer often leaves them unset. */
  readonly channels?: number;
  /** Clamp the output to [0,1] (default true). */
  readonly clampOutput?: boolean;
  /** Swap weights after reading (a test uses seeded random values); the file is still fully read. */
  readonly transformWeights?: WeightTransform;
}

export interface ConvertResult {
  readonly onnx: Uint8Array;
  /** Weight values read from the .bin (weights, biases, slopes). */
  readonly parameterCount: number;
  /** Bytes read from the .bin: always its whole length, or the conversion throws. */
  readonly bytesRead: number;
  /** How many layers of each ncnn type the model had. */
  readonly layerTypes: Readonly<Record<string, number>>;
}

type LayerConverter = (ctx: ConvertContext, layer: NcnnLayer) => void;

const converters: Record<string, LayerConverter> = {
  Convolution: convolution,
  ConvolutionDepthWise: convolution,
  Deconvolution: deconvolution,
  DeconvolutionDepthWise: deconvolution,
  PReLU: prelu,
  PixelShuffle: pixelShuffle,
  Interp: interp,
  BinaryOp: binaryOp,
  Eltwise: eltwise,
  Concat: concat,
  // Split copies one blob to several names; in ONNX one value can feed many nodes.
  Split: (ctx, layer) => {
    const [x] = ctx.inputs(layer);
    if (x === undefined) ctx.fail(layer, 'expects one input');
    for (const top of layer.tops) ctx.define(top, x!);
  },
};

/** The blob nothing reads: the network's result. Exactly one is expected. */
function outputBlob(layers: readonly NcnnLayer[]): string {
  const read = new Set(layers.flatMap((l) => l.bottoms));
  const unread = layers.flatMap((l) => l.tops).filter((t) => !read.has(t));
  if (unread.length !== 1) throw new NcnnConvertError(`expected one output blob, found ${unread.length}: ${unread.join(', ')}`);
  return unread[0]!;
}

export function convertNcnnToOnnx(paramText: string, bin: Uint8Array, options: ConvertOptions): ConvertResult {
  const net = parseNcnnParam(paramText);
  const graph = new GraphBuilder(options.name);
  const reader = new NcnnWeightReader(bin);
  const ctx = new ConvertContext(graph, reader, options.transformWeights);
  const layerTypes: Record<string, number> = {};

  const inputLayers = net.layers.filter((l) => l.type === 'Input');
  if (inputLayers.length !== 1) throw new NcnnConvertError(`expected one Input layer, found ${inputLayers.length}`);
  const inputLayer = inputLayers[0]!;
  const channels = options.channels ?? scalarParam(inputLayer, 2, 3);

  for (const layer of net.layers) {
    layerTypes[layer.type] = (layerTypes[layer.type] ?? 0) + 1;
    if (layer.type === 'Input') {
      const top = layer.tops[0];
      if (top === undefined) ctx.fail(layer, 'has no output blob');
      ctx.define(top!, graph.input('input', 'float32', [1, channels, 'height', 'width']));
      continue;
    }
    const convert = converters[layer.type];
    if (!convert) ctx.fail(layer, 'this layer type is not supported');
    convert!(ctx, layer);
  }
  reader.assertConsumed();

  let result = ctx.value(outputBlob(net.layers));
  if (options.clampOutput ?? true) result = graph.node('Clip', [result, ctx.scalar('clip_low', 0), ctx.scalar('clip_high', 1)]);
  graph.output(result, 'output', 'float32', [1, channels, 'out_height', 'out_width']);
  return { onnx: graph.toBytes('nataili-web ncnn converter'), parameterCount: reader.valueCount, bytesRead: reader.position, layerTypes };
}
