// The WebGPU backend: TrainOps over our WGSL kernels and their Tape, AdamW and gradient clipping
// kernels. A step's tensors are owned by its tape and go back to the buffer pool when it ends;
// parameters and the optimizer's moments persist across steps.

import { AdamW, add, attention, clipGradNorm, conv2d, geglu, gelu, GpuContext, groupNorm, layerNorm, linear, matmul, mse, mul, permute, relu, reshape, scale, sigmoid, silu, sub, Tape, Tensor, upsampleNearest } from '../../../kernels/index.ts';
import type { AdamWSettings, ConvOptions, HostArray, MatmulOptions, Optimizer, OptimizerState, Shape, StepScope, TrainBackend, TrainOps } from './backend.ts';

class GpuOps implements TrainOps<Tensor> {
  constructor(
    private readonly tape: Tape,
    private readonly selectors: (a: number, b: number) => [Tensor, Tensor],
  ) {}

  shape(t: Tensor): Shape {
    return t.shape;
  }

  constant(data: ArrayLike<number>, shape: Shape): Tensor {
    return this.tape.own(this.tape.ctx.upload(data, shape));
  }

  linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
    return linear(this.tape, x, w, b);
  }

  matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
    return matmul(this.tape, a, b, options);
  }

  conv2d(x: Tensor, w: Tensor, b: Tensor | null, options: ConvOptions = {}): Tensor {
    return conv2d(this.tape, x, w, b, options);
  }

  groupNorm(x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    return groupNorm(this.tape, x, groups, gamma, beta, eps);
  }

  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
    return layerNorm(this.tape, x, gamma, beta, eps);
  }

  attention(q: Tensor, k: Tensor, v: Tensor, options: { scale?: number; causal?: boolean } = {}): Tensor {
    return attention(this.tape, q, k, v, options);
  }

  gelu = (x: Tensor): Tensor => gelu(this.tape, x);
  silu = (x: Tensor): Tensor => silu(this.tape, x);
  sigmoid = (x: Tensor): Tensor => sigmoid(this.tape, x);
  relu = (x: Tensor): Tensor => relu(this.tape, x);
  geglu = (x: Tensor): Tensor => geglu(this.tape, x);
  add = (a: Tensor, b: Tensor): Tensor => add(this.tape, a, b);
  sub = (a: Tensor, b: Tensor): Tensor => sub(this.tape, a, b);
  mul = (a: Tensor, b: Tensor): Tensor => mul(this.tape, a, b);
  scale = (x: Tensor, alpha: number, beta = 0): Tensor => scale(this.tape, x, alpha, beta);
  reshape = (x: Tensor, shape: Shape): Tensor => reshape(this.tape, x, shape);
  permute = (x: Tensor, perm: readonly number[]): Tensor => permute(this.tape, x, perm);
  upsampleNearest = (x: Tensor, factor: number): Tensor => upsampleNearest(this.tape, x, factor);
  mse = (a: Tensor, b: Tensor): Tensor => mse(this.tape, a, b);

  /**
   * The kernels have no concat; channel concat is two matmuls with 0/1 selector matrices
   * ([C, Ca] and [C, Cb]), whose backward is the matching slice. It costs C·Ca·HW multiply-adds,
   * about a tenth of the 3×3 conv that follows it in an SD up block: a copy kernel would save it.
   */
  concatChannels(a: Tensor, b: Tensor): Tensor {
    const [batch, ca] = a.shape as [number, number];
    const cb = b.shape[1]!;
    const rest = a.shape.slice(2);
    const hw = rest.reduce((x, y) => x * y, 1);
    const [ea, eb] = this.selectors(ca, cb);
    const ya = this.matmul(ea, this.reshape(a, [batch, ca, hw]));
    const yb = this.matmul(eb, this.reshape(b, [batch, cb, hw]));
    return this.reshape(this.add(ya, yb), [batch, ca + cb, ...rest]);
  }
}

class GpuAdamW implements Optimizer<Tensor> {
  private readonly parts: AdamW[];

  constructor(
    private readonly ctx: GpuContext,
    readonly groups: readonly (readonly Tensor[])[],
    settings: AdamWSettings,
  ) {
    this.parts = groups.map((params) => new AdamW(ctx, params, { lr: 0, beta1: settings.beta1, beta2: settings.beta2, eps: settings.eps, weightDecay: settings.weightDecay }));
  }

  get t(): number {
    return this.parts[0]?.t ?? 0;
  }

  step(lrs: readonly number[]): void {
    this.parts.forEach((part, i) => part.step(undefined, lrs[i]!));
  }

  async save(): Promise<OptimizerState> {
    const m: HostArray[] = [];
    const v: HostArray[] = [];
    for (const [i, part] of this.parts.entries()) {
      for (const p of this.groups[i]!) {
        const state = part.state(p);
        m.push(state ? await this.ctx.read(state.m) : new Float32Array(p.size));
        v.push(state ? await this.ctx.read(state.v) : new Float32Array(p.size));
      }
    }
    return { t: this.t, m, v };
  }

  /**
   * The kernels' AdamW creates its moment buffers at a parameter's first step and has no setter,
   * so a restore takes one step with zero gradients at lr 0 (which leaves every parameter exactly
   * as it is: decay 1, step size 0), then overwrites the moments and the step count.
   */
  load(state: OptimizerState): void {
    let i = 0;
    this.parts.forEach((part, gi) => {
      const params = this.groups[gi]!;
      const zeros = new Map(params.map((p) => [p, this.ctx.zeros(p.shape)] as const));
      part.step(zeros, 0);
      this.ctx.release(...zeros.values());
      for (const p of params) {
        const moments = part.state(p)!;
        this.ctx.write(moments.m, state.m[i]!);
        this.ctx.write(moments.v, state.v[i]!);
        i++;
      }
      part.t = state.t;
    });
  }

  dispose(): void {
    for (const part of this.parts) part.dispose();
  }
}

export class GpuBackend implements TrainBackend<Tensor> {
  readonly kind = 'webgpu' as const;
  private readonly selectorCache = new Map<string, [Tensor, Tensor]>();

  /** `ownsDevice`: destroy() ends the device too (it was made for this backend). */
  constructor(
    readonly ctx: GpuContext,
    private readonly ownsDevice = false,
  ) {}

  static async create(adapter?: GPUAdapter): Promise<GpuBackend> {
    return new GpuBackend(await GpuContext.create(adapter), true);
  }

  parameter(data: ArrayLike<number>, shape: Shape, options: { trainable?: boolean; label?: string } = {}): Tensor {
    return this.ctx.upload(data, shape, { requiresGrad: options.trainable ?? false, label: options.label ?? '' });
  }

  read(t: Tensor): Promise<HostArray> {
    return this.ctx.read(t);
  }

  write(t: Tensor, data: ArrayLike<number>): void {
    this.ctx.write(t, data);
  }

  shape(t: Tensor): Shape {
    return t.shape;
  }

  release(t: Tensor): void {
    this.ctx.release(t);
  }

  beginStep(): StepScope<Tensor> {
    const tape = new Tape(this.ctx);
    return {
      ops: new GpuOps(tape, (a, b) => this.selectors(a, b)),
      backward: (loss) => void tape.backward(loss),
      clipGradNorm: (params, maxNorm) => {
        const grads = params.flatMap((p) => (p.grad ? [p.grad] : []));
        return tape.own(clipGradNorm(this.ctx, grads, maxNorm));
      },
      read: (t) => this.ctx.read(t),
      end: () => tape.dispose(),
    };
  }

  adamw(groups: readonly (readonly Tensor[])[], settings: AdamWSettings): Optimizer<Tensor> {
    return new GpuAdamW(this.ctx, groups, settings);
  }

  sync(): Promise<void> {
    return this.ctx.sync();
  }

  /** Returns pooled buffers to the GPU between runs; compiled pipelines stay (SwiftShader takes seconds per shader). */
  trim(): void {
    this.ctx.flush();
    this.ctx.pool.trim();
  }

  destroy(): void {
    for (const [a, b] of this.selectorCache.values()) this.ctx.release(a, b);
    this.selectorCache.clear();
    this.ctx.destroy();
    if (this.ownsDevice) this.ctx.device.destroy();
  }

  private selectors(ca: number, cb: number): [Tensor, Tensor] {
    const key = `${ca}+${cb}`;
    let found = this.selectorCache.get(key);
    if (!found) {
      const c = ca + cb;
      const ea = new Float32Array(c * ca);
      const eb = new Float32Array(c * cb);
      for (let i = 0; i < ca; i++) ea[i * ca + i] = 1;
      for (let j = 0; j < cb; j++) eb[(ca + j) * cb + j] = 1;
      found = [this.ctx.upload(ea, [c, ca], { label: 'concat.a' }), this.ctx.upload(eb, [c, cb], { label: 'concat.b' })];
      this.selectorCache.set(key, found);
    }
    return found;
  }
}
