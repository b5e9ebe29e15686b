// GFPGAN mirrors xuanandsix/GFPGAN-onnxruntime-demo torch2onnx.py (GFPGANv1.4.onnx: 'input' →
// one output, named 'output' here since that export leaves it unnamed). CodeFormer mirrors the
// common codeformer.onnx (hpc203/Face-restoration-models: 'x' float32 and fidelity 'w' float64 [1];
// its single output is read by index, named 'y' here). Both are 512² in, 512² out, in [-1, 1].

import { conv2d, upsampleNearest } from '../onnx/conv.ts';
import { add, leakyRelu, mul, Net } from '../onnx/net.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface FaceRestoreOptions extends SeedOption {
  /** The real exports are fixed at 512. */
  size?: number;
  features?: number;
}

const FACE_SHAPE = (size: number) => [1, 3, size, size] as const;

/** U-Net-ish trunk, downsampling early so a 512² face costs little: 512 → 128 → 32. */
function encode(n: Net, x: string, f: number): { deep: string; skip: string } {
  const skip = leakyRelu(n, conv2d(n, x, 3, f, 4, { stride: 4, pads: [0, 0, 0, 0] }));
  const deep = leakyRelu(n, conv2d(n, skip, f, 2 * f, 4, { stride: 4, pads: [0, 0, 0, 0] }));
  return { deep, skip };
}

/** 32 → 128 (+ skip) → 512, then a residual onto the input face. */
function decode(n: Net, deep: string, skip: string, input: string, f: number): string {
  let h = leakyRelu(n, conv2d(n, upsampleNearest(n, deep, 4), 2 * f, f, 3));
  h = add(n, h, skip);
  const delta = conv2d(n, upsampleNearest(n, h, 4), f, 3, 3);
  return add(n, input, mul(n, n.op('Tanh', [delta]), n.scalar(0.5)));
}

/** input float32 [1, 3, 512, 512] → output float32 [1, 3, 512, 512]. */
export function buildGfpgan(o: FaceRestoreOptions = {}): Uint8Array {
  const size = o.size ?? 512;
  const f = o.features ?? 8;
  const n = new Net('gfpgan', o.seed ?? DEFAULT_SEED);
  const input = n.input('input', 'float32', FACE_SHAPE(size));
  const { deep, skip } = encode(n, input, f);
  const refined = leakyRelu(n, conv2d(n, deep, 2 * f, 2 * f, 3));
  n.output(decode(n, refined, skip, input, f), 'output', 'float32', FACE_SHAPE(size));
  return n.bytes();
}

export interface CodeFormerOptions extends FaceRestoreOptions {
  /** Entries in the learned codebook (1024 in CodeFormer). */
  codebook?: number;
}

/**
 * x float32 [1, 3, 512, 512], w float64 [1] → y float32 [1, 3, 512, 512].
 * Like CodeFormer, the low-quality features are replaced by a (soft) codebook lookup and `w`
 * blends back toward the input features: w = 0 trusts the codebook, w = 1 the input.
 */
export function buildCodeFormer(o: CodeFormerOptions = {}): Uint8Array {
  const size = o.size ?? 512;
  const f = o.features ?? 8;
  const entries = o.codebook ?? 16;
  const n = new Net('codeformer', o.seed ?? DEFAULT_SEED);
  const x = n.input('x', 'float32', FACE_SHAPE(size));
  const w = n.op('Cast', [n.input('w', 'float64', [1])], { to: 1 });
  const { deep, skip } = encode(n, x, f);
  const c = 2 * f;
  const sequence = n.op('Transpose', [n.op('Reshape', [deep, n.ints([0, c, -1])])], { perm: [0, 2, 1] });
  const codebook = n.weight('codebook', [entries, c], 1);
  const affinity = n.op('Softmax', [n.op('MatMul', [sequence, n.op('Transpose', [codebook], { perm: [1, 0] })])], { axis: -1 });
  const looked = n.op('MatMul', [affinity, codebook]);
  const coded = n.op('Reshape', [n.op('Transpose', [looked], { perm: [0, 2, 1] }), n.op('Shape', [deep])]);
  const fused = add(n, coded, mul(n, n.op('Sub', [deep, coded]), w));
  n.output(decode(n, fused, skip, x, f), 'y', 'float32', FACE_SHAPE(size));
  return n.bytes();
}
