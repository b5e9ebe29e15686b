// Mirrors biubug6/Pytorch_Retinaface (mobilenet0.25, phase 'test') exported with
// input_names=['input'], output_names=['loc', 'conf', 'landms'] (the naming most RetinaFace ONNX
// exports use; facexlib's detector is the same network). Priors are not in the graph: the caller
// builds them (min_sizes [[16,32],[64,128],[256,512]], steps [8,16,32]) and decodes with
// variances [0.1, 0.2], exactly as for the real model.

import { conv2d, upsampleNearest } from '../onnx/conv.ts';
import { add, leakyRelu, Net } from '../onnx/net.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface RetinaFaceOptions extends SeedOption {
  features?: number;
}

const ANCHORS = 2;

/** One head: a 1×1 conv to anchors·k channels, NCHW → [N, H·W·anchors, k] (the export's permute + view). */
function head(n: Net, x: string, f: number, k: number): string {
  const y = conv2d(n, x, f, ANCHORS * k, 1);
  return n.op('Reshape', [n.op('Transpose', [y], { perm: [0, 2, 3, 1] }), n.ints([0, -1, k])]);
}

/**
 * input float32 [batch_size, 3, height, width] (BGR minus mean (104, 117, 123), height and width
 * multiples of 32) → loc float32 [batch_size, P, 4], conf float32 [batch_size, P, 2] (softmaxed:
 * background, face), landms float32 [batch_size, P, 10], where
 * P = 2·(H/8·W/8 + H/16·W/16 + H/32·W/32).
 */
export function buildRetinaFace(o: RetinaFaceOptions = {}): Uint8Array {
  const f = o.features ?? 8;
  const n = new Net('retinaface', o.seed ?? DEFAULT_SEED);
  const input = n.input('input', 'float32', ['batch_size', 3, 'height', 'width']);
  // Backbone: stride 8, 16, 32 feature maps, as MobileNet's stage outputs.
  const stride = (x: string, cin: number) => leakyRelu(n, conv2d(n, x, cin, f, 3, { stride: 2 }), 0.1);
  const s8 = stride(stride(stride(input, 3), f), f);
  const s16 = stride(s8, f);
  const s32 = stride(s16, f);
  // FPN: top-down nearest upsampling and merge, then one SSH-like conv per level.
  const p32 = leakyRelu(n, conv2d(n, s32, f, f, 1), 0.1);
  const p16 = leakyRelu(n, conv2d(n, add(n, conv2d(n, s16, f, f, 1), upsampleNearest(n, p32, 2)), f, f, 3), 0.1);
  const p8 = leakyRelu(n, conv2d(n, add(n, conv2d(n, s8, f, f, 1), upsampleNearest(n, p16, 2)), f, f, 3), 0.1);
  const levels = [p8, p16, p32].map((p) => leakyRelu(n, conv2d(n, p, f, f, 3), 0.1));

  const gather = (k: number) => n.op('Concat', levels.map((p) => head(n, p, f, k)), { axis: 1 });
  n.output(gather(4), 'loc', 'float32', ['batch_size', 'priors', 4]);
  n.output(n.op('Softmax', [gather(2)], { axis: -1 }), 'conf', 'float32', ['batch_size', 'priors', 2]);
  n.output(gather(10), 'landms', 'float32', ['batch_size', 'priors', 10]);
  return n.bytes();
}
