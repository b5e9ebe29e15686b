// AdamW (Loshchilov & Hutter; PyTorch's torch.optim.AdamW): decoupled weight decay, then the
// bias-corrected Adam step, in one in-place kernel per parameter. Moments m and v live in
// pooled GPU buffers, created zeroed at a parameter's first step.
//   p ← p · (1 - lr·wd) - (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + eps)

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import { flatKernelHead, grid } from '../core/program.ts';
import type { Tensor } from '../core/tensor.ts';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** PyTorch's default is 0.01. */
  weightDecay?: number;
}

const WG = 256;

const body = `
${flatKernelHead(WG)}
  let g = grad[i];
  let m = u.beta1 * m1[i] + (1.0 - u.beta1) * g;
  let v = u.beta2 * m2[i] + (1.0 - u.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  param[i] = param[i] * u.decay - u.stepSize * m / (sqrt(v) / u.sqrtBc2 + u.eps);
}
`;

export class AdamW {
  /** Steps taken (t in the bias corrections). */
  t = 0;
  private readonly moments = new Map<Tensor, { m: Tensor; v: Tensor }>();
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(
    private readonly ctx: GpuContext,
    readonly params: readonly Tensor[],
    options: AdamWOptions,
  ) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    for (const p of params) {
      if (!p.requiresGrad) throw new InvalidInputError(`AdamW: parameter ${p.describe()} does not require a gradient (frozen?).`);
    }
  }

  /**
   * One step for every parameter with a gradient: `grads.get(p)`, else `p.grad`. Parameters
   * without one are skipped, as PyTorch skips parameters whose .grad is None. `lr` overrides
   * the learning rate for this step (schedules).
   */
  step(grads?: ReadonlyMap<Tensor, Tensor>, lr = this.lr): void {
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    for (const p of this.params) {
      const g = grads?.get(p) ?? p.grad;
      if (!g) continue;
      if (g.size !== p.size) throw new InvalidInputError(`AdamW: gradient ${g.describe()} for parameter ${p.describe()}.`);
      const state = this.moments.get(p) ?? { m: this.ctx.zeros(p.shape, 'adamw.m'), v: this.ctx.zeros(p.shape, 'adamw.v') };
      this.moments.set(p, state);
      this.ctx.run({
        label: 'adamw',
        body,
        params: {
          n: ['u32', p.size],
          beta1: ['f32', this.beta1],
          beta2: ['f32', this.beta2],
          eps: ['f32', this.eps],
          decay: ['f32', 1 - lr * this.weightDecay],
          stepSize: ['f32', lr / bc1],
          sqrtBc2: ['f32', Math.sqrt(bc2)],
        },
        inputs: { grad: g },
        outputs: { param: p, m1: state.m, m2: state.v },
        workgroups: grid(p.size, WG, this.ctx.limits.maxComputeWorkgroupsPerDimension),
        shape: p.shape,
      });
    }
  }

  /** The moment buffers of a parameter (undefined before its first step). */
  state(p: Tensor): { m: Tensor; v: Tensor } | undefined {
    return this.moments.get(p);
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) this.ctx.release(m, v);
    this.moments.clear();
  }
}
