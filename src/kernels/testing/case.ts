// Case tables: each kernel lists cases (attributes, and hand-computed values for some) against
// an OpDef that says how to run them on the CPU reference and on the GPU through the tape.
// bindCases erases the attribute type so tests can walk every kernel's table in one loop.

import type { Tape } from '../autograd/tape.ts';
import type { F64 } from '../core/cpu.ts';
import type { Shape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';

export interface InputSpec {
  name: string;
  shape: Shape;
  /** Whether the op is differentiable in this input (default true). */
  grad?: boolean;
  /** Range the random values are drawn from (default [-1, 1]). */
  range?: readonly [number, number];
}

export interface OpDef<A> {
  name: string;
  inputs(attrs: A): InputSpec[];
  /** CPU reference, float64. */
  forward(x: readonly F64[], attrs: A): F64[];
  /** CPU reference gradients for each input (null where not differentiable). */
  backward(x: readonly F64[], gradOutputs: readonly F64[], attrs: A): (F64 | null)[];
  /** The GPU op through the tape. */
  gpu(tape: Tape, x: readonly Tensor[], attrs: A): Tensor[];
}

export interface KernelCase<A> {
  name: string;
  attrs: A;
  /** Hand-computed values: given these inputs the op must give these outputs. */
  values?: { inputs: number[][]; outputs: number[][] };
  /** Relative tolerance of GPU vs CPU, when fp32 rounding over long sums needs more than 1e-5. */
  tolerance?: number;
}

/** One case with its op bound: what the test loops see. */
export interface BoundCase {
  op: string;
  name: string;
  inputs: InputSpec[];
  values?: { inputs: number[][]; outputs: number[][] };
  tolerance: number;
  forward(x: readonly F64[]): F64[];
  backward(x: readonly F64[], gradOutputs: readonly F64[]): (F64 | null)[];
  gpu(tape: Tape, x: readonly Tensor[]): Tensor[];
}

export const FP32_TOLERANCE = 1e-5;

export function bindCases<A>(op: OpDef<A>, cases: readonly KernelCase<A>[]): BoundCase[] {
  return cases.map((c) => ({
    op: op.name,
    name: c.name,
    inputs: op.inputs(c.attrs),
    ...(c.values ? { values: c.values } : {}),
    tolerance: c.tolerance ?? FP32_TOLERANCE,
    forward: (x) => op.forward(x, c.attrs),
    backward: (x, g) => op.backward(x, g, c.attrs),
    gpu: (tape, x) => op.gpu(tape, x, c.attrs),
  }));
}
