// Case table for softmax: short and long rows (past one 64-wide workgroup), large logits
// (the max subtraction keeps exp finite), and the causal mask with as many and more keys.

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { softmax } from './ops.ts';
import { softmaxGradRef, softmaxRef } from './reference.ts';

interface SoftmaxAttrs {
  x: Shape;
  causal?: boolean;
  range?: [number, number];
}

const dims = (a: SoftmaxAttrs): [number, number] => [a.x[a.x.length - 1]!, a.causal ? a.x[a.x.length - 2]! : 1];

const softmaxDef: OpDef<SoftmaxAttrs> = {
  name: 'softmax',
  inputs: (a) => [{ name: 'x', shape: a.x, range: a.range ?? [-3, 3] }],
  forward: ([x], a) => [softmaxRef(x!, ...dims(a), a.causal)],
  backward: ([x], [g], a) => [softmaxGradRef(x!, g!, ...dims(a), a.causal)],
  gpu: (tape, [x], a) => [softmax(tape, x!, { causal: a.causal ?? false })],
};

export const softmaxCases = bindCases(softmaxDef, [
  { name: 'rows of 7', attrs: { x: [5, 7] } },
  { name: 'long rows', attrs: { x: [3, 130] } },
  { name: 'large logits', attrs: { x: [2, 9], range: [60, 90] } },
  { name: 'causal square', attrs: { x: [2, 5, 5], causal: true } },
  { name: 'causal more keys', attrs: { x: [2, 3, 6], causal: true } },
  {
    name: 'hand values',
    attrs: { x: [1, 2] },
    values: { inputs: [[0, Math.log(3)]], outputs: [[0.25, 0.75]] },
  },
]);
