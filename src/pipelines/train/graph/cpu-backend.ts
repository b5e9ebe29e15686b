// The CPU backend: CpuOps under a CpuTape, AdamW and gradient clipping as the kernels' float64
// references compute them. Parameters stay float64, so a checkpoint holds them exactly.

import { adamwStepRef, type AdamWState } from '../../../kernels/adamw/reference.ts';
import { clipGradNormRef } from '../../../kernels/clip-grad/reference.ts';
import type { AdamWSettings, HostArray, Optimizer, OptimizerState, Shape, StepScope, TrainBackend } from './backend.ts';
import { CpuOps } from './cpu-ops.ts';
import { CpuTape, CpuTensor } from './cpu-tape.ts';

class CpuAdamW implements Optimizer<CpuTensor> {
  private states: AdamWState[][];

  constructor(
    readonly groups: readonly (readonly CpuTensor[])[],
    private readonly settings: AdamWSettings,
  ) {
    this.states = groups.map((g) => g.map((p) => ({ m: new Float64Array(p.size), v: new Float64Array(p.size), t: 0 })));
  }

  get t(): number {
    return this.states.flat()[0]?.t ?? 0;
  }

  step(lrs: readonly number[]): void {
    const { beta1, beta2, eps, weightDecay } = this.settings;
    this.groups.forEach((group, gi) =>
      group.forEach((p, pi) => {
        const state = this.states[gi]![pi]!;
        // PyTorch skips a parameter without a gradient; its step count stays behind then.
        if (!p.grad) return;
        adamwStepRef(p.data, p.grad, state, { lr: lrs[gi]!, beta1, beta2, eps, weightDecay });
      }),
    );
  }

  async save(): Promise<OptimizerState> {
    const flat = this.states.flat();
    return { t: this.t, m: flat.map((s) => Float64Array.from(s.m)), v: flat.map((s) => Float64Array.from(s.v)) };
  }

  load(state: OptimizerState): void {
    let i = 0;
    this.states = this.groups.map((g) =>
      g.map(() => {
        const s = { m: Float64Array.from(state.m[i]!), v: Float64Array.from(state.v[i]!), t: state.t };
        i++;
        return s;
      }),
    );
  }

  dispose(): void {}
}

export class CpuBackend implements TrainBackend<CpuTensor> {
  readonly kind = 'cpu' as const;

  parameter(data: ArrayLike<number>, shape: Shape, options: { trainable?: boolean; label?: string } = {}): CpuTensor {
    return new CpuTensor(Float64Array.from(data), [...shape], options.trainable ?? false, options.label ?? '');
  }

  async read(t: CpuTensor): Promise<HostArray> {
    return Float64Array.from(t.data);
  }

  write(t: CpuTensor, data: ArrayLike<number>): void {
    if (data.length !== t.size) throw new Error(`write: ${data.length} values for ${t.label} [${t.shape.join(', ')}].`);
    t.data = Float64Array.from(data);
  }

  shape(t: CpuTensor): Shape {
    return t.shape;
  }

  release(): void {}

  beginStep(): StepScope<CpuTensor> {
    const tape = new CpuTape();
    return {
      ops: new CpuOps(tape),
      backward: (loss) => tape.backward(loss),
      clipGradNorm: (params, maxNorm) => {
        const grads = params.flatMap((p) => (p.grad ? [p.grad] : []));
        const { norm, coef } = clipGradNormRef(grads, maxNorm);
        return new CpuTensor(Float64Array.of(norm, coef), [2]);
      },
      read: async (t) => Float64Array.from(t.data),
      end: () => tape.dispose(),
    };
  }

  adamw(groups: readonly (readonly CpuTensor[])[], settings: AdamWSettings): Optimizer<CpuTensor> {
    return new CpuAdamW(groups, settings);
  }

  async sync(): Promise<void> {}

  destroy(): void {}
}
