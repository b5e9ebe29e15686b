// Case table for MSE: small and large (many partial sums) tensors, a fixed target (no
// gradient for b), and hand values.

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { mse } from './ops.ts';
import { mseGradRef, mseRef } from './reference.ts';

interface MseAttrs {
  shape: Shape;
  fixedTarget?: boolean;
}

const mseDef: OpDef<MseAttrs> = {
  name: 'mse',
  inputs: (a) => [
    { name: 'a', shape: a.shape },
    { name: 'b', shape: a.shape, grad: !a.fixedTarget },
  ],
  forward: ([x, y]) => [Float64Array.of(mseRef(x!, y!))],
  backward: ([x, y], [g], a) => {
    const [ga, gb] = mseGradRef(x!, y!, g![0]!);
    return [ga, a.fixedTarget ? null : gb];
  },
  gpu: (tape, [x, y]) => [mse(tape, x!, y!)],
};

export const mseCases = bindCases(mseDef, [
  { name: 'small', attrs: { shape: [3, 5] } },
  { name: 'many partials', attrs: { shape: [4, 3, 40, 40] } },
  { name: 'fixed target', attrs: { shape: [2, 17], fixedTarget: true } },
  {
    name: 'hand values',
    attrs: { shape: [4] },
    values: { inputs: [[1, 2, 3, 4], [1, 0, 3, 0]], outputs: [[5]] },
  },
]);
