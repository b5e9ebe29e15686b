// The benchmark model: the tests' tiny conv net (3×3 conv → ReLU → 1×1 conv) at a size where the
// work is measurable, like one tile of an upscaler. Seeded, so every run times the same bytes.

import { tinyConvModel, type TinyConvSpec } from '../../tests/browser/workers/tiny-conv.ts';
import { numberOption } from './results.ts';

export interface BenchModel {
  bytes: Uint8Array;
  dims: number[];
  spec: TinyConvSpec;
  /** GFLOP per run (multiply-adds counted as two), to read the timings against. */
  gflop: number;
  label: string;
}

export function benchModel(spec: TinyConvSpec): BenchModel {
  const { channels: c, hidden: h, size: n } = spec;
  const gflop = (2 * n * n * (h * c * 9 + c * h)) / 1e9;
  return { bytes: tinyConvModel(spec), dims: [1, c, n, n], spec, gflop, label: `conv ${c}→${h}→${c}, ${n}×${n}` };
}

/** The model from --size and --hidden (defaults: a 256×256 tile, 32 hidden channels). */
export function modelFromOptions(options: Map<string, string>): BenchModel {
  return benchModel({ channels: 3, hidden: numberOption(options, 'hidden', 32), size: numberOption(options, 'size', 256), seed: 1 });
}
