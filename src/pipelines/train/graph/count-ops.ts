// A backend that computes nothing: it follows shapes through a forward pass and adds up, per kind
// of op, the floating-point work of the forward and of the backward the tape would run (input
// gradients where an input needs one, weight gradients for trainable weights only), and the bytes
// every op output holds (the kernels' tape keeps them all until the step ends). It sizes a real
// SD 1.5 step without its 3.4 GB of weights: the numbers behind the report's memory and time
// estimates, and the kernel ratios of a step.

import type { ConvOptions, MatmulOptions, Shape, TrainOps } from './backend.ts';
import { numel } from './backend.ts';

export class CountTensor {
  constructor(
    readonly shape: Shape,
    readonly requiresGrad: boolean,
  ) {}
}

type T = CountTensor;

export interface OpCount {
  calls: number;
  forwardFlops: number;
  backwardFlops: number;
  bytes: number;
}

export class CountOps implements TrainOps<T> {
  readonly kinds = new Map<string, OpCount>();

  private out(kind: string, shape: Shape, inputs: readonly T[], forward: number, backward: (needs: readonly boolean[]) => number, extraBytes = 0): T {
    const needs = inputs.map((t) => t.requiresGrad);
    const grad = needs.some(Boolean);
    const c = this.kinds.get(kind) ?? { calls: 0, forwardFlops: 0, backwardFlops: 0, bytes: 0 };
    c.calls++;
    c.forwardFlops += forward;
    c.backwardFlops += grad ? backward(needs) : 0;
    c.bytes += 4 * numel(shape) + extraBytes;
    this.kinds.set(kind, c);
    return new CountTensor([...shape], grad);
  }

  /** A persistent tensor (not counted in a step's bytes). */
  static parameter(shape: Shape, trainable = false): T {
    return new CountTensor([...shape], trainable);
  }

  shape = (t: T): Shape => t.shape;
  constant = (_data: ArrayLike<number>, shape: Shape): T => this.out('upload', shape, [], 0, () => 0);

  linear(x: T, w: T, b: T | null = null): T {
    const [outF, inF] = w.shape as [number, number];
    const rows = numel(x.shape) / inF;
    const f = 2 * rows * inF * outF;
    return this.out('matmul', [...x.shape.slice(0, -1), outF], b ? [x, w, b] : [x, w], f, (n) => (n[0] ? f : 0) + (n[1] ? f : 0));
  }

  matmul(a: T, b: T, o: MatmulOptions = {}): T {
    const [ar, ac] = a.shape.slice(-2) as [number, number];
    const [br, bc] = b.shape.slice(-2) as [number, number];
    const [m, k] = o.transA ? [ac, ar] : [ar, ac];
    const n = o.transB ? br : bc;
    const batch = Math.max(numel(a.shape.slice(0, -2)), numel(b.shape.slice(0, -2)));
    const f = 2 * batch * m * n * k;
    const lead = numel(a.shape.slice(0, -2)) >= numel(b.shape.slice(0, -2)) ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    return this.out('matmul', [...lead, m, n], [a, b], f, (nd) => (nd[0] ? f : 0) + (nd[1] ? f : 0));
  }

  conv2d(x: T, w: T, b: T | null, o: ConvOptions = {}): T {
    const [batch, c, h, wd] = x.shape as [number, number, number, number];
    const [out, , kh, kw] = w.shape as [number, number, number, number];
    const s = o.stride ?? 1;
    const p = o.padding ?? 0;
    const ho = Math.floor((h + 2 * p - kh) / s) + 1;
    const wo = Math.floor((wd + 2 * p - kw) / s) + 1;
    const f = 2 * batch * out * ho * wo * c * kh * kw;
    return this.out('conv2d', [batch, out, ho, wo], b ? [x, w, b] : [x, w], f, (n) => (n[0] ? f : 0) + (n[1] ? f : 0));
  }

  private elementwise(kind: string, x: T, perElement: number, others: readonly T[] = []): T {
    const f = perElement * numel(x.shape);
    return this.out(kind, x.shape, [x, ...others], f, () => 2 * f);
  }

  groupNorm = (x: T, _g: number, gamma: T, beta: T): T => this.elementwise('norm', x, 8, [gamma, beta]);
  layerNorm = (x: T, gamma: T, beta: T): T => this.elementwise('norm', x, 8, [gamma, beta]);

  attention(q: T, k: T, v: T): T {
    const r = q.shape.length;
    const batch = numel(q.shape.slice(0, -2));
    const [lq, d] = [q.shape[r - 2]!, q.shape[r - 1]!];
    const lk = k.shape[r - 2]!;
    const dv = v.shape[r - 1]!;
    const f = 2 * batch * lq * lk * (d + dv) + 5 * batch * lq * lk;
    // The probabilities P [.., Lq, Lk] are kept for backward.
    return this.out('attention', [...q.shape.slice(0, -1), dv], [q, k, v], f, () => 2 * f, 4 * batch * lq * lk);
  }

  gelu = (x: T): T => this.elementwise('activation', x, 10);
  silu = (x: T): T => this.elementwise('activation', x, 5);
  sigmoid = (x: T): T => this.elementwise('activation', x, 4);
  relu = (x: T): T => this.elementwise('activation', x, 1);

  geglu(x: T): T {
    const d = x.shape[x.shape.length - 1]! / 2;
    const shape = [...x.shape.slice(0, -1), d];
    const f = 12 * numel(shape);
    return this.out('activation', shape, [x], f, () => 2 * f);
  }

  private binary(a: T, b: T): T {
    const shape = numel(a.shape) >= numel(b.shape) ? a.shape : b.shape;
    return this.out('elementwise', shape, [a, b], numel(shape), () => 2 * numel(shape));
  }

  add = (a: T, b: T): T => this.binary(a, b);
  sub = (a: T, b: T): T => this.binary(a, b);
  mul = (a: T, b: T): T => this.binary(a, b);
  scale = (x: T): T => this.elementwise('elementwise', x, 1);
  // A view in the kernels: no work, no new buffer.
  reshape = (x: T, shape: Shape): T => new CountTensor([...shape], x.requiresGrad);
  permute = (x: T, perm: readonly number[]): T => this.elementwise('copy', new CountTensor(perm.map((p) => x.shape[p]!), x.requiresGrad), 1);

  upsampleNearest(x: T, factor: number): T {
    const r = x.shape.length;
    const shape = [...x.shape.slice(0, -2), x.shape[r - 2]! * factor, x.shape[r - 1]! * factor];
    return this.out('copy', shape, [x], numel(shape), () => numel(shape));
  }

  concatChannels(a: T, b: T): T {
    const [batch, ca] = a.shape as [number, number];
    const cb = b.shape[1]!;
    const rest = a.shape.slice(2);
    const hw = numel(rest);
    // The GPU backend's selector matmuls: (Ca + Cb)² · HW multiply-adds (matmul.ts).
    const f = 2 * batch * (ca + cb) * (ca + cb) * hw;
    return this.out('concat', [batch, ca + cb, ...rest], [a, b], f, () => f);
  }

  mse = (a: T, b: T): T => this.out('elementwise', [], [a, b], 3 * numel(a.shape), () => 3 * numel(a.shape));
}
