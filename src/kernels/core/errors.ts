// The one failure kernels add to shared/errors: a shape the adapter cannot hold in one dispatch.
// The message names the limit, its value and the shape, so a caller can split the work or pick
// a smaller tile.

import { InvalidInputError } from '../../shared/errors.ts';
import { formatShape, type Shape } from './shape.ts';

export class KernelLimitError extends InvalidInputError {
  readonly limit: string;
  constructor(op: string, limit: string, value: number, allowed: number, shape: Shape) {
    super(
      `${op}: shape ${formatShape(shape)} needs ${value} for ${limit}, but this GPU allows ${allowed}. ` +
        'Use a smaller batch, tile or resolution.',
    );
    this.limit = limit;
  }
}
