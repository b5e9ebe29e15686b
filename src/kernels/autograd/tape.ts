// Reverse-mode autograd over GPU kernels. Ops run eagerly and, when an input requires a
// gradient, record a node holding a backward closure (and, through it, the tensors it saved).
// backward() walks the nodes in reverse. Tensors with requiresGrad false, frozen base weights
// among them, get no gradient buffer and their ops skip the kernels that would compute one.

import { InvalidInputError } from '../../shared/errors.ts';
import type { GpuContext } from '../core/context.ts';
import type { Tensor } from '../core/tensor.ts';
import { formatShape } from '../core/shape.ts';
import { addNew, axpyInto } from '../elementwise/dispatch.ts';

export type Grad = Tensor | null;

/**
 * Computes input gradients from output gradients. `needs[i]` says whether input i wants one;
 * return null where it does not. A returned tensor is handed to the tape (it may be one of
 * `gradOutputs`: the tape copies the reference, not the data).
 */
export type BackwardFn = (gradOutputs: readonly Grad[], needs: readonly boolean[]) => readonly Grad[];

export interface TapeNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly backward: BackwardFn;
}

export class Tape {
  readonly nodes: TapeNode[] = [];
  private readonly owned = new Set<Tensor>();
  private readonly leaves: Tensor[] = [];
  /** When false, ops record nothing (inference, or an optimizer's own arithmetic). */
  enabled = true;

  constructor(readonly ctx: GpuContext) {}

  /** Makes the tape responsible for releasing `t` in dispose(). */
  own<T extends Tensor>(t: T): T {
    this.owned.add(t);
    return t;
  }

  /**
   * Records an op when any input requires a gradient; marks its outputs as requiring one.
   * The outputs are owned by the tape either way.
   */
  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], backward: BackwardFn): void {
    for (const t of outputs) this.own(t);
    if (!this.enabled || !inputs.some((t) => t.requiresGrad)) return;
    for (const t of outputs) t.requiresGrad = true;
    this.nodes.push({ op, inputs, outputs, backward });
  }

  /**
   * Back-propagates from `roots` (a scalar loss when `seeds` is omitted) and returns the
   * gradient of every leaf that requires one; each leaf's `.grad` is set too.
   */
  backward(roots: Tensor | readonly Tensor[], seeds?: readonly Tensor[]): Map<Tensor, Tensor> {
    const rootList = Array.isArray(roots) ? (roots as readonly Tensor[]) : [roots as Tensor];
    const grads = new Map<Tensor, Tensor>();
    rootList.forEach((root, i) => {
      if (!root.requiresGrad) throw new InvalidInputError(`backward: ${root.describe()} does not depend on anything that requires a gradient.`);
      const seed = seeds?.[i];
      if (seed) {
        if (seed.size !== root.size) throw new InvalidInputError(`backward: seed ${formatShape(seed.shape)} for ${root.describe()}.`);
        this.accumulate(grads, root, seed.view(root.shape));
      } else {
        if (root.size !== 1) throw new InvalidInputError(`backward: ${root.describe()} is not a scalar; pass a seed gradient.`);
        this.accumulate(grads, root, this.ctx.upload([1], root.shape));
      }
    });
    const produced = new Set<Tensor>();
    for (let n = this.nodes.length - 1; n >= 0; n--) {
      const node = this.nodes[n]!;
      for (const t of node.outputs) produced.add(t);
      const gradOutputs = node.outputs.map((t) => grads.get(t) ?? null);
      if (gradOutputs.every((g) => g === null)) continue;
      const needs = node.inputs.map((t) => t.requiresGrad);
      const gradInputs = node.backward(gradOutputs, needs);
      const handed = new Set<Tensor>();
      node.inputs.forEach((input, i) => {
        const g = gradInputs[i];
        if (!needs[i] || !g) return;
        // A pass-through gradient (add, reshape) or one shared by two inputs gets its own view,
        // so releasing the node's output gradients below cannot free it.
        const own = gradOutputs.includes(g) || handed.has(g) ? g.view(input.shape, false) : g;
        handed.add(g);
        this.accumulate(grads, input, own);
      });
      // Every consumer of these outputs came later on the tape and is done: free their grads.
      for (const t of node.outputs) {
        const g = grads.get(t);
        if (g) this.ctx.release(g);
        grads.delete(t);
      }
    }
    for (const [leaf, g] of grads) {
      if (produced.has(leaf)) continue;
      this.own(g);
      leaf.grad = g;
      this.leaves.push(leaf);
    }
    return grads;
  }

  /** Releases every tensor the tape owns except `keep`, and forgets the recorded nodes. */
  dispose(keep: Iterable<Tensor> = []): void {
    const kept = new Set(keep);
    for (const t of this.owned) {
      if (kept.has(t)) continue;
      this.ctx.release(t);
    }
    this.owned.clear();
    for (const leaf of this.leaves.splice(0)) if (leaf.grad && !kept.has(leaf.grad)) leaf.grad = null;
    this.nodes.length = 0;
  }

  private accumulate(grads: Map<Tensor, Tensor>, target: Tensor, incoming: Tensor): void {
    if (incoming.size !== target.size) {
      throw new InvalidInputError(`backward: a gradient ${formatShape(incoming.shape)} arrived for ${target.describe()}.`);
    }
    let g = incoming;
    if (g.shape.length !== target.shape.length || !g.shape.every((d, i) => d === target.shape[i])) {
      g = incoming.view(target.shape, false);
      this.ctx.release(incoming);
    }
    const existing = grads.get(target);
    if (!existing) {
      grads.set(target, g);
      return;
    }
    // Summing in place is safe only into storage no other gradient shares (a pass-through
    // gradient may be a view of the same buffer as another input's).
    if (existing.storage.refs === 1 && existing.storage !== g.storage) {
      axpyInto(this.ctx, existing, g, 1);
      this.ctx.release(g);
      return;
    }
    grads.set(target, addNew(this.ctx, existing, g));
    this.ctx.release(existing, g);
  }
}
