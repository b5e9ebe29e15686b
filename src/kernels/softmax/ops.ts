// Tape-aware softmax over the last axis; backward uses the saved output.

import type { Tape } from '../autograd/tape.ts';
import type { Tensor } from '../core/tensor.ts';
import { softmaxBackward, softmaxForward, type SoftmaxOptions } from './dispatch.ts';

export function softmax(tape: Tape, x: Tensor, options: SoftmaxOptions = {}): Tensor {
  const y = softmaxForward(tape.ctx, x, options);
  tape.record('softmax', [x], [y], ([g]) => [g ? softmaxBackward(tape.ctx, y, g, options) : null]);
  return y;
}
