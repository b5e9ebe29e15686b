// Mirrors Optimum's depth-estimation export of DPT/MiDaS (e.g. Xenova/dpt-hybrid-midas
// onnx/model.onnx): pixel_values → predicted_depth [batch, height, width].

import { conv2d, upsampleNearest } from '../onnx/conv.ts';
import { Net } from '../onnx/net.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface DepthOptions extends SeedOption {
  features?: number;
}

/**
 * pixel_values float32 [batch_size, 3, height, width] (height, width multiples of 4; DPT's
 * processor gives 384×384) → predicted_depth float32 [batch_size, height, width], non-negative
 * relative inverse depth (larger is nearer), as DPT's head ends in a ReLU.
 */
export function buildDepth(o: DepthOptions = {}): Uint8Array {
  const f = o.features ?? 8;
  const n = new Net('dpt_depth', o.seed ?? DEFAULT_SEED);
  const pixels = n.input('pixel_values', 'float32', ['batch_size', 3, 'height', 'width']);
  const relu = (x: string) => n.op('Relu', [x]);
  // Encoder at 1/2 and 1/4, a fusion conv, then DPT's head: conv → upsample → conv → ReLU.
  const s2 = relu(conv2d(n, pixels, 3, f, 3, { stride: 2 }));
  const s4 = relu(conv2d(n, s2, f, 2 * f, 3, { stride: 2 }));
  const fused = n.op('Add', [conv2d(n, upsampleNearest(n, relu(conv2d(n, s4, 2 * f, 2 * f, 3)), 2), 2 * f, f, 3), s2]);
  const full = relu(conv2d(n, upsampleNearest(n, relu(fused), 2), f, f, 3));
  // A positive offset before the final ReLU: with random weights the head would otherwise often
  // sit below zero everywhere and the fixture would predict a flat, all-zero depth.
  const depth = relu(n.op('Add', [conv2d(n, full, f, 1, 1), n.scalar(1)]));
  n.output(n.op('Squeeze', [depth, n.ints([1])]), 'predicted_depth', 'float32', ['batch_size', 'height', 'width']);
  return n.bytes();
}
