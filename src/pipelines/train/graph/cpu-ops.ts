// TrainOps over the kernels' float64 CPU references: each op calls the reference forward and
// records the reference gradient, so this backend computes what the WGSL kernels are tested
// against. Plain loops: fine for fixture-sized models and small predictors, far too slow for SD.

import { geluGradRef, geluRef, gegluGradRef, gegluRef, siluGradRef, siluRef } from '../../../kernels/activation/reference.ts';
import { attentionGradRef, attentionRef } from '../../../kernels/attention/reference.ts';
import { planConv2d } from '../../../kernels/conv2d/dispatch.ts';
import { conv2dGradRef, conv2dRef } from '../../../kernels/conv2d/reference.ts';
import { binaryBackward, binaryForward, permuteRef, unaryBackward, unaryForward } from '../../../kernels/elementwise/reference.ts';
import type { UnaryName } from '../../../kernels/elementwise/specs.ts';
import { broadcastShapes } from '../../../kernels/core/shape.ts';
import { linearGradRef, linearRef } from '../../../kernels/linear/reference.ts';
import { planMatmul } from '../../../kernels/matmul/dispatch.ts';
import { matmulGradRef, matmulRef } from '../../../kernels/matmul/reference.ts';
import { mseGradRef, mseRef } from '../../../kernels/mse/reference.ts';
import { planGroupNorm, planLayerNorm, type NormPlan } from '../../../kernels/norm/dispatch.ts';
import { normGradRef, normRef } from '../../../kernels/norm/reference.ts';
import { upsampleGradRef, upsampleRef } from '../../../kernels/upsample/reference.ts';
import type { ConvOptions, MatmulOptions, Shape, TrainOps } from './backend.ts';
import { numel } from './backend.ts';
import { CpuTensor, type CpuTape } from './cpu-tape.ts';

type T = CpuTensor;

export class CpuOps implements TrainOps<T> {
  constructor(private readonly tape: CpuTape) {}

  private out(inputs: readonly T[], data: Float64Array, shape: Shape, backward: (g: Float64Array) => readonly (Float64Array | null)[]): T {
    return this.tape.record(inputs, new CpuTensor(data, [...shape]), backward);
  }

  shape(t: T): Shape {
    return t.shape;
  }

  constant(data: ArrayLike<number>, shape: Shape): T {
    return new CpuTensor(Float64Array.from(data), [...shape]);
  }

  linear(x: T, w: T, b: T | null = null): T {
    const [outF, inF] = w.shape as [number, number];
    if (x.shape[x.shape.length - 1] !== inF) throw new Error(`linear: ${x.label || 'x'} [${x.shape.join(', ')}] · W [${w.shape.join(', ')}]ᵀ`);
    const y = linearRef(x.data, w.data, b ? b.data : null, inF, outF);
    const inputs = b ? [x, w, b] : [x, w];
    return this.out(inputs, y, [...x.shape.slice(0, -1), outF], (g) => {
      const { gx, gw, gb } = linearGradRef(x.data, w.data, g, inF, outF);
      return [gx, gw, gb];
    });
  }

  matmul(a: T, b: T, options: MatmulOptions = {}): T {
    const plan = planMatmul(a.shape, b.shape, options.transA, options.transB);
    const y = matmulRef(a.data, a.shape, b.data, b.shape, options);
    return this.out([a, b], y, plan.outShape, (g) => matmulGradRef(a.data, a.shape, b.data, b.shape, g, options));
  }

  conv2d(x: T, w: T, b: T | null, options: ConvOptions = {}): T {
    const p = planConv2d(x.shape, w.shape, options);
    const y = conv2dRef(x.data, w.data, b ? b.data : null, p);
    const inputs = b ? [x, w, b] : [x, w];
    return this.out(inputs, y, [p.b, p.o, p.ho, p.wo], (g) => {
      const { gx, gw, gb } = conv2dGradRef(x.data, w.data, g, p);
      return [gx, gw, gb];
    });
  }

  private norm(x: T, gamma: T, beta: T, p: NormPlan): T {
    return this.out([x, gamma, beta], normRef(x.data, gamma.data, beta.data, p), x.shape, (g) => {
      const { gx, ggamma, gbeta } = normGradRef(x.data, gamma.data, g, p);
      return [gx, ggamma, gbeta];
    });
  }

  groupNorm(x: T, groups: number, gamma: T, beta: T, eps: number): T {
    return this.norm(x, gamma, beta, planGroupNorm(x.shape, groups, eps));
  }

  layerNorm(x: T, gamma: T, beta: T, eps: number): T {
    return this.norm(x, gamma, beta, planLayerNorm(x.shape, eps));
  }

  attention(q: T, k: T, v: T, options: { scale?: number; causal?: boolean } = {}): T {
    const r = q.shape.length;
    const d = q.shape[r - 1]!;
    const dims = {
      batch: numel(q.shape.slice(0, -2)),
      lq: q.shape[r - 2]!,
      lk: k.shape[r - 2]!,
      d,
      dv: v.shape[r - 1]!,
      scale: options.scale ?? 1 / Math.sqrt(d),
      causal: options.causal ?? false,
    };
    const y = attentionRef(q.data, k.data, v.data, dims);
    return this.out([q, k, v], y, [...q.shape.slice(0, -1), dims.dv], (g) => attentionGradRef(q.data, k.data, v.data, g, dims));
  }

  gelu(x: T): T {
    return this.out([x], geluRef(x.data), x.shape, (g) => [geluGradRef(x.data, g)]);
  }

  silu(x: T): T {
    return this.out([x], siluRef(x.data), x.shape, (g) => [siluGradRef(x.data, g)]);
  }

  private unary(name: UnaryName, x: T, alpha = 1, beta = 0): T {
    return this.out([x], unaryForward(name, x.data, alpha, beta), x.shape, (g) => [unaryBackward(name, x.data, g, alpha, beta)]);
  }

  sigmoid(x: T): T {
    return this.unary('sigmoid', x);
  }

  relu(x: T): T {
    return this.unary('relu', x);
  }

  scale(x: T, alpha: number, beta = 0): T {
    return this.unary('affine', x, alpha, beta);
  }

  geglu(x: T): T {
    const d = x.shape[x.shape.length - 1]! / 2;
    return this.out([x], gegluRef(x.data, d), [...x.shape.slice(0, -1), d], (g) => [gegluGradRef(x.data, g, d)]);
  }

  private binary(op: 'add' | 'sub' | 'mul', a: T, b: T): T {
    const y = binaryForward(op, a.data, a.shape, b.data, b.shape);
    return this.out([a, b], y, broadcastShapes(a.shape, b.shape), (g) => binaryBackward(op, a.data, a.shape, b.data, b.shape, g));
  }

  add(a: T, b: T): T {
    return this.binary('add', a, b);
  }

  sub(a: T, b: T): T {
    return this.binary('sub', a, b);
  }

  mul(a: T, b: T): T {
    return this.binary('mul', a, b);
  }

  reshape(x: T, shape: Shape): T {
    if (numel(shape) !== x.size) throw new Error(`reshape: [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
    return this.out([x], x.data, shape, (g) => [g]);
  }

  permute(x: T, perm: readonly number[]): T {
    const inverse = perm.map((_, i) => perm.indexOf(i));
    const outShape = perm.map((p) => x.shape[p]!);
    return this.out([x], permuteRef(x.data, x.shape, perm), outShape, (g) => [permuteRef(g, outShape, inverse)]);
  }

  upsampleNearest(x: T, factor: number): T {
    const r = x.shape.length;
    const [h, w] = [x.shape[r - 2]!, x.shape[r - 1]!];
    const y = upsampleRef(x.data, h, w, factor, factor);
    return this.out([x], y, [...x.shape.slice(0, -2), h * factor, w * factor], (g) => [upsampleGradRef(g, h, w, factor, factor)]);
  }

  concatChannels(a: T, b: T): T {
    const batch = a.shape[0]!;
    const per = [a.size / batch, b.size / batch];
    const y = new Float64Array(a.size + b.size);
    for (let i = 0; i < batch; i++) {
      y.set(a.data.subarray(i * per[0]!, (i + 1) * per[0]!), i * (per[0]! + per[1]!));
      y.set(b.data.subarray(i * per[1]!, (i + 1) * per[1]!), i * (per[0]! + per[1]!) + per[0]!);
    }
    const shape = [batch, a.shape[1]! + b.shape[1]!, ...a.shape.slice(2)];
    return this.out([a, b], y, shape, (g) => {
      const ga = new Float64Array(a.size);
      const gb = new Float64Array(b.size);
      for (let i = 0; i < batch; i++) {
        const at = i * (per[0]! + per[1]!);
        ga.set(g.subarray(at, at + per[0]!), i * per[0]!);
        gb.set(g.subarray(at + per[0]!, at + per[0]! + per[1]!), i * per[1]!);
      }
      return [ga, gb];
    });
  }

  mse(a: T, b: T): T {
    return this.out([a, b], Float64Array.of(mseRef(a.data, b.data)), [], (g) => mseGradRef(a.data, b.data, g[0]!));
  }
}
