// Mirrors xinntao/Real-ESRGAN scripts/pytorch2onnx.py: input 'input' → output 'output', float32
// NCHW in [0, 1], dynamic batch_size/height/width. ×4 is RRDBNet-shaped (nearest-upsample + conv
// stages); ×2 is SRVGGNetCompact-shaped (realesr-animevideov3: convs, PixelShuffle, plus the
// nearest-upsampled input).

import { conv2d, pixelShuffle, upsampleNearest } from '../onnx/conv.ts';
import { add, leakyRelu, mul, Net } from '../onnx/net.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface EsrganOptions extends SeedOption {
  features?: number;
  /** Residual conv blocks in the trunk. */
  blocks?: number;
}

function declareInput(n: Net): string {
  return n.input('input', 'float32', ['batch_size', 3, 'height', 'width']);
}

/** conv → LReLU → conv, scaled by 0.2 and added back (RRDB's residual scaling). */
function residualBlock(n: Net, x: string, features: number): string {
  const inner = conv2d(n, leakyRelu(n, conv2d(n, x, features, features, 3)), features, features, 3);
  return add(n, x, mul(n, inner, n.scalar(0.2)));
}

/** input [batch_size, 3, height, width] → output [batch_size, 3, 4·height, 4·width]. */
export function buildEsrganX4(o: EsrganOptions = {}): Uint8Array {
  const f = o.features ?? 8;
  const n = new Net('realesrgan_x4', o.seed ?? DEFAULT_SEED);
  const input = declareInput(n);
  const first = conv2d(n, input, 3, f, 3);
  let trunk = first;
  for (let i = 0; i < (o.blocks ?? 2); i++) trunk = residualBlock(n, trunk, f);
  let h = add(n, first, conv2d(n, trunk, f, f, 3));
  // RRDBNet upsamples twice: F.interpolate(scale_factor=2, mode='nearest') → conv → LReLU.
  h = leakyRelu(n, conv2d(n, upsampleNearest(n, h, 2), f, f, 3));
  h = leakyRelu(n, conv2d(n, upsampleNearest(n, h, 2), f, f, 3));
  const detail = conv2d(n, leakyRelu(n, conv2d(n, h, f, f, 3)), f, 3, 3);
  // Not in RRDBNet: the nearest-upsampled input added back, so the output looks like the input
  // image (random convs alone give near-zero noise) and pipeline tests can compare pictures.
  const out = add(n, detail, upsampleNearest(n, input, 4));
  n.output(out, 'output', 'float32', ['batch_size', 3, 'height*4', 'width*4']);
  return n.bytes();
}

/** input [batch_size, 3, height, width] → output [batch_size, 3, 2·height, 2·width]. */
export function buildEsrganX2(o: EsrganOptions = {}): Uint8Array {
  const f = o.features ?? 8;
  const scale = 2;
  const n = new Net('realesr_compact_x2', o.seed ?? DEFAULT_SEED);
  const input = declareInput(n);
  // SRVGGNetCompact uses PReLU; LeakyRelu keeps the op set to what the ×4 model already needs.
  let h = leakyRelu(n, conv2d(n, input, 3, f, 3), 0.1);
  for (let i = 0; i < (o.blocks ?? 2); i++) h = leakyRelu(n, conv2d(n, h, f, f, 3), 0.1);
  const shuffled = pixelShuffle(n, conv2d(n, h, f, 3 * scale * scale, 3), scale);
  const out = add(n, shuffled, upsampleNearest(n, input, scale));
  n.output(out, 'output', 'float32', ['batch_size', 3, 'height*2', 'width*2']);
  return n.bytes();
}
