// A seeded network under construction: a GraphBuilder plus one random stream for its weights.
// Every helper in scripts/onnx/ takes a Net, so a model file reads like the module it mirrors, and
// the order in which weights are drawn (hence the bytes) depends only on the code and the seed.

import { GraphBuilder, type AttributeValue, type Dim, type ElementType } from './graph-builder.ts';
import { seededRandom, uniformArray } from './seeded-random.ts';

export class Net {
  readonly g: GraphBuilder;
  private readonly random: () => number;
  // Constants are shared by value: a graph with one `0.5` initializer instead of twenty.
  private readonly floats = new Map<number, string>();
  private readonly int64s = new Map<string, string>();

  constructor(name: string, seed: number) {
    this.g = new GraphBuilder(name);
    this.random = seededRandom(seed);
  }

  /**
   * A weight drawn uniformly from ±gain/sqrt(fanIn): activations stay of order one through a
   * stack of random layers, so fixture outputs neither vanish nor overflow.
   */
  weight(prefix: string, dims: readonly number[], fanIn: number, gain = 1): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.g.float(prefix, dims, uniformArray(this.random, count, gain / Math.sqrt(fanIn)));
  }

  /** Values spread around a centre (norm scales near 1): seeded, so two seeds still differ. */
  around(prefix: string, dims: readonly number[], centre: number, spread: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const values = uniformArray(this.random, count, spread).map((v) => v + centre);
    return this.g.float(prefix, dims, values);
  }

  filled(prefix: string, dims: readonly number[], value: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.g.float(prefix, dims, new Float32Array(count).fill(value));
  }

  /** A float32 scalar constant (rank 0), shared by value. */
  scalar(value: number): string {
    let name = this.floats.get(value);
    if (!name) {
      name = this.g.float(`const_f${this.floats.size}`, [], [value]);
      this.floats.set(value, name);
    }
    return name;
  }

  /** An int64 constant: a 1-D list (shapes, axes) or, with `scalar`, a rank-0 value (Range, Gather). */
  ints(values: readonly number[], scalar = false): string {
    const key = `${scalar ? 's' : 'v'}:${values.join(',')}`;
    let name = this.int64s.get(key);
    if (!name) {
      const data = BigInt64Array.from(values.map(BigInt));
      name = this.g.initializer(`const_i${this.int64s.size}`, 'int64', scalar ? [] : [values.length], data);
      this.int64s.set(key, name);
    }
    return name;
  }

  op(type: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.g.node(type, inputs, attributes);
  }

  input(name: string, type: ElementType, shape: readonly Dim[]): string {
    return this.g.input(name, type, shape);
  }

  output(value: string, name: string, type: ElementType, shape: readonly Dim[]): string {
    return this.g.output(value, name, type, shape);
  }

  bytes(): Uint8Array {
    return this.g.toBytes();
  }
}

// Element-wise helpers used by every family.

export function add(n: Net, a: string, b: string): string {
  return n.op('Add', [a, b]);
}

export function mul(n: Net, a: string, b: string): string {
  return n.op('Mul', [a, b]);
}

/** SiLU (swish), the activation of SD's ResNet blocks and time embedding. */
export function silu(n: Net, x: string): string {
  return mul(n, x, n.op('Sigmoid', [x]));
}

/** Exact GELU, 0.5·x·(1+erf(x/√2)): opset 17 has no Gelu op (it arrives in opset 20). */
export function gelu(n: Net, x: string): string {
  const erf = n.op('Erf', [mul(n, x, n.scalar(Math.SQRT1_2))]);
  return mul(n, mul(n, x, n.scalar(0.5)), add(n, erf, n.scalar(1)));
}

/** OpenAI CLIP's quick GELU, x·σ(1.702x). */
export function quickGelu(n: Net, x: string): string {
  return mul(n, x, n.op('Sigmoid', [mul(n, x, n.scalar(1.702))]));
}

export function leakyRelu(n: Net, x: string, alpha = 0.2): string {
  return n.op('LeakyRelu', [x], { alpha: { float: alpha } });
}

/** Dimension `axis` of x's runtime shape as a 1-D int64 tensor of length 1 (for Concat into shapes). */
export function dimOf(n: Net, x: string, axis: number): string {
  return n.op('Slice', [n.op('Shape', [x]), n.ints([axis]), n.ints([axis + 1])]);
}
