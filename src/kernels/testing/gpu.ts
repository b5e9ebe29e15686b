// Runs one bound case on the GPU through a fresh tape: forward, then backward seeded with the
// given output gradients. Used by the Chromium tests and the bench.

import { Tape } from '../autograd/tape.ts';
import type { GpuContext } from '../core/context.ts';
import type { F64 } from '../core/cpu.ts';
import type { BoundCase } from './case.ts';

export interface GpuResult {
  outputs: Float32Array[];
  grads: (Float32Array | null)[];
}

export async function runCaseOnGpu(ctx: GpuContext, c: BoundCase, x: readonly F64[], gradOutputs: readonly F64[]): Promise<GpuResult> {
  const tape = new Tape(ctx);
  const inputs = c.inputs.map((spec, i) => ctx.upload(x[i]!, spec.shape, { requiresGrad: spec.grad !== false, label: spec.name }));
  try {
    const outs = c.gpu(tape, inputs);
    const outputs = await Promise.all(outs.map((o) => ctx.read(o)));
    const roots = outs.filter((o) => o.requiresGrad);
    let grads: (Float32Array | null)[] = inputs.map(() => null);
    if (roots.length > 0) {
      const seeds = outs.map((o, k) => ctx.upload(gradOutputs[k]!, o.shape)).filter((_, k) => outs[k]!.requiresGrad);
      tape.backward(roots, seeds);
      ctx.release(...seeds);
      grads = await Promise.all(inputs.map((t) => (t.grad ? ctx.read(t.grad) : null)));
    }
    return { outputs, grads };
  } finally {
    tape.dispose();
    ctx.release(...inputs);
  }
}
