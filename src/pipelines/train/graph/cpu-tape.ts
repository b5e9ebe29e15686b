// Reverse-mode autograd on the CPU, for the backend that runs the kernels' float64 references.
// The same contract as the kernels' Tape: an op records a node only when an input requires a
// gradient, and backward() leaves each trainable leaf's gradient in `.grad`. Gradient arrays
// are never changed in place here (ops may hand one array to two inputs): sums make new arrays.

import type { Shape } from './backend.ts';
import { numel } from './backend.ts';

export class CpuTensor {
  grad: Float64Array | null = null;
  readonly size: number;

  constructor(
    public data: Float64Array,
    readonly shape: Shape,
    public requiresGrad = false,
    readonly label = '',
  ) {
    this.size = numel(shape);
    if (data.length !== this.size) throw new Error(`CpuTensor ${label}: ${data.length} values for [${shape.join(', ')}].`);
  }
}

/** Input gradients from the output gradient; null where an input needs none. */
export type CpuBackward = (g: Float64Array) => readonly (Float64Array | null)[];

interface CpuNode {
  inputs: readonly CpuTensor[];
  output: CpuTensor;
  backward: CpuBackward;
}

export class CpuTape {
  private readonly nodes: CpuNode[] = [];
  private readonly leaves: CpuTensor[] = [];

  record(inputs: readonly CpuTensor[], output: CpuTensor, backward: CpuBackward): CpuTensor {
    if (inputs.some((t) => t.requiresGrad)) {
      output.requiresGrad = true;
      this.nodes.push({ inputs, output, backward });
    }
    return output;
  }

  backward(loss: CpuTensor): void {
    if (loss.size !== 1 || !loss.requiresGrad) throw new Error('backward needs a scalar that depends on a trainable tensor.');
    const grads = new Map<CpuTensor, Float64Array>([[loss, Float64Array.of(1)]]);
    const produced = new Set<CpuTensor>();
    for (let n = this.nodes.length - 1; n >= 0; n--) {
      const node = this.nodes[n]!;
      produced.add(node.output);
      const g = grads.get(node.output);
      if (!g) continue;
      grads.delete(node.output);
      const inputGrads = node.backward(g);
      node.inputs.forEach((input, i) => {
        const gi = inputGrads[i];
        if (!input.requiresGrad || !gi) return;
        const existing = grads.get(input);
        grads.set(input, existing ? existing.map((v, k) => v + gi[k]!) : gi);
      });
    }
    for (const [leaf, g] of grads) {
      if (produced.has(leaf)) continue;
      // A copy: clipping scales gradients in place, and two leaves may share one array here.
      leaf.grad = Float64Array.from(g);
      this.leaves.push(leaf);
    }
  }

  /** Forgets the recorded nodes and the leaves' gradients. */
  dispose(): void {
    this.nodes.length = 0;
    for (const leaf of this.leaves.splice(0)) leaf.grad = null;
  }
}
