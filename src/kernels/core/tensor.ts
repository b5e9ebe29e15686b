// A GPU tensor: a pooled fp32 storage buffer seen through a shape. Reshapes are views that share
// the storage; the buffer goes back to the pool when the last view is released.

import { InvalidInputError } from '../../shared/errors.ts';
import { formatShape, numel, type Shape } from './shape.ts';

/** The buffer behind one or more tensor views. */
export interface Storage {
  readonly buffer: GPUBuffer;
  refs: number;
}

export class Tensor {
  readonly size: number;
  /** Set by Tape.backward on leaves (and parameters) that require a gradient. */
  grad: Tensor | null = null;
  private released = false;

  constructor(
    readonly storage: Storage,
    readonly shape: Shape,
    /** Whether ops should record this tensor's history for a gradient. False for frozen weights. */
    public requiresGrad = false,
    readonly label = '',
  ) {
    this.size = numel(shape);
  }

  get buffer(): GPUBuffer {
    if (this.released) throw new InvalidInputError(`Tensor ${this.describe()} was used after it was released.`);
    return this.storage.buffer;
  }

  /** Bytes of this view's data (the buffer may be larger: pool size classes). */
  get bytes(): number {
    return this.size * 4;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isReleased(): boolean {
    return this.released;
  }

  describe(): string {
    return `${this.label ? `${this.label} ` : ''}${formatShape(this.shape)}`;
  }

  /** Marks this view released; true when it was the storage's last view. */
  markReleased(): boolean {
    if (this.released) return false;
    this.released = true;
    this.storage.refs--;
    return this.storage.refs === 0;
  }

  /** A view of the same data with another shape of the same size. */
  view(shape: Shape, requiresGrad = this.requiresGrad): Tensor {
    if (numel(shape) !== this.size) {
      throw new InvalidInputError(`Cannot view ${this.describe()} as ${formatShape(shape)}: sizes differ.`);
    }
    void this.buffer; // throws when released
    this.storage.refs++;
    return new Tensor(this.storage, [...shape], requiresGrad, this.label);
  }
}
