// A tiny image model for runtime and worker tests and the runtime benchmarks: 3×3 conv → ReLU →
// 1×1 conv, seeded weights, in fp32 and fp16 variants, with a plain-loop CPU reference.
// Runs in Node and in the browser (the graph builder bundles in both).

import onnxProto from 'onnx-proto';
import { GraphBuilder } from '../../../scripts/onnx/graph-builder.ts';
import { seededRandom, uniformArray } from '../../../scripts/onnx/seeded-random.ts';
import { float32ToFloat16 } from '../../../src/runtime/float16.ts';

export interface TinyConvSpec {
  channels: number;
  hidden: number;
  size: number;
  seed: number;
}

export const tinySpec: TinyConvSpec = { channels: 3, hidden: 8, size: 8, seed: 7 };

export interface TinyConvWeights {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export function tinyWeights(spec: TinyConvSpec): TinyConvWeights {
  const random = seededRandom(spec.seed);
  return {
    w1: uniformArray(random, spec.hidden * spec.channels * 9, 0.5),
    b1: uniformArray(random, spec.hidden, 0.1),
    w2: uniformArray(random, spec.channels * spec.hidden, 0.5),
    b2: uniformArray(random, spec.channels, 0.1),
  };
}

/** The model's bytes; `fp16` stores weights, input and output as float16. */
export function tinyConvModel(spec: TinyConvSpec = tinySpec, precision: 'fp32' | 'fp16' = 'fp32'): Uint8Array {
  const { channels: c, hidden: h, size } = spec;
  const w = tinyWeights(spec);
  const g = new GraphBuilder(`tiny-conv-${precision}`);
  const type = precision === 'fp32' ? 'float32' : 'float16';
  const init = (name: string, dims: number[], data: Float32Array) =>
    precision === 'fp32' ? g.float(name, dims, data) : g.initializer(name, 'float16', dims, float32ToFloat16(data));
  const x = g.input('image', type, [1, c, size, size]);
  const conv1 = g.node('Conv', [x, init('w1', [h, c, 3, 3], w.w1), init('b1', [h], w.b1)], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  const relu = g.node('Relu', [conv1]);
  const conv2 = g.node('Conv', [relu, init('w2', [c, h, 1, 1], w.w2), init('b2', [c], w.b2)], { kernel_shape: [1, 1] });
  g.output(conv2, 'out', type, [1, c, size, size]);
  return g.toBytes();
}

/** The same model computed with plain loops: the reference both backends must match. */
export function tinyConvReference(input: Float32Array, spec: TinyConvSpec = tinySpec): Float32Array {
  const { channels: c, hidden: h, size: n } = spec;
  const w = tinyWeights(spec);
  const hidden = new Float32Array(h * n * n);
  for (let o = 0; o < h; o++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let sum = w.b1[o]!;
        for (let i = 0; i < c; i++) {
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const sy = y + ky - 1;
              const sx = x + kx - 1;
              if (sy < 0 || sy >= n || sx < 0 || sx >= n) continue;
              sum += w.w1[((o * c + i) * 3 + ky) * 3 + kx]! * input[(i * n + sy) * n + sx]!;
            }
          }
        }
        hidden[(o * n + y) * n + x] = Math.max(0, sum);
      }
    }
  }
  const out = new Float32Array(c * n * n);
  for (let o = 0; o < c; o++) {
    for (let p = 0; p < n * n; p++) {
      let sum = w.b2[o]!;
      for (let i = 0; i < h; i++) sum += w.w2[o * h + i]! * hidden[i * n * n + p]!;
      out[o * n * n + p] = sum;
    }
  }
  return out;
}

export function tinyInput(spec: TinyConvSpec = tinySpec, seed = 11): Float32Array {
  return uniformArray(seededRandom(seed), spec.channels * spec.size * spec.size, 1);
}

/**
 * Moves every initializer of `model` into one external-data file, as exporters do for models
 * over protobuf's 2 GB limit: the .onnx keeps names, shapes and offsets, the file the bytes.
 */
export function withExternalData(model: Uint8Array, path: string): { model: Uint8Array; data: Uint8Array } {
  const { onnx } = onnxProto;
  const proto = onnx.ModelProto.decode(model);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const init of proto.graph?.initializer ?? []) {
    const raw = init.rawData ?? new Uint8Array();
    chunks.push(raw);
    init.externalData = [
      { key: 'location', value: path },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    init.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    init.rawData = new Uint8Array();
    offset += raw.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return { model: onnx.ModelProto.encode(proto).finish(), data };
}
