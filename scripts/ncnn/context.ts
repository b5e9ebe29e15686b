// What a layer converter gets: the ONNX graph being written, the weight reader, and the map from
// ncnn blob names to ONNX value names (Split makes several blobs name one value).

import type { GraphBuilder } from '../onnx/graph-builder.ts';
import type { NcnnWeightReader } from './bin.ts';
import type { NcnnLayer } from './param.ts';

/** Which kind of stored tensor a weight is; lets a caller (a test) swap in other values. */
export type WeightRole = 'weight' | 'bias' | 'slope';

/** Replaces a layer's weights after they were read, e.g. with seeded random values. */
export type WeightTransform = (values: Float32Array, role: WeightRole, layer: NcnnLayer) => Float32Array;

export class NcnnConvertError extends Error {
  override name = 'NcnnConvertError';
}

export class ConvertContext {
  private readonly values = new Map<string, string>();

  constructor(
    readonly graph: GraphBuilder,
    private readonly reader: NcnnWeightReader,
    private readonly transform?: WeightTransform,
  ) {}

  /** The ONNX value an ncnn blob refers to. */
  value(blob: string): string {
    const value = this.values.get(blob);
    if (value === undefined) throw new NcnnConvertError(`blob '${blob}' is used before it is produced`);
    return value;
  }

  inputs(layer: NcnnLayer): string[] {
    return layer.bottoms.map((b) => this.value(b));
  }

  define(blob: string, value: string): void {
    this.values.set(blob, value);
  }

  /** Reads a tagged (weight) or raw (bias, slope) blob and applies the optional transform. */
  read(layer: NcnnLayer, role: WeightRole, count: number): Float32Array {
    const what = `${layer.name} ${role}`;
    const values = role === 'weight' ? this.reader.readTagged(count, what) : this.reader.readRaw(count, what);
    const out = this.transform ? this.transform(values, role, layer) : values;
    if (out.length !== count) throw new NcnnConvertError(`${what}: the weight transform returned ${out.length} values, expected ${count}`);
    return out;
  }

  /** A float32 scalar constant. */
  scalar(prefix: string, value: number): string {
    // The builder makes the name unique when the prefix is taken.
    return this.graph.float(prefix, [], [value]);
  }

  fail(layer: NcnnLayer, message: string): never {
    throw new NcnnConvertError(`line ${layer.line}: ${layer.type} ${layer.name}: ${message}`);
  }
}
