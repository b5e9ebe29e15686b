// Case table for sum and mean over axes.

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { mean, sum } from './ops.ts';
import { reduceSumGradRef, reduceSumRef } from './reference.ts';

interface ReduceAttrs {
  shape: Shape;
  axes: number[];
  mean?: boolean;
}

const alphaOf = (a: ReduceAttrs): number => (a.mean ? 1 / a.axes.reduce((n, i) => n * a.shape[i]!, 1) : 1);

const reduceDef: OpDef<ReduceAttrs> = {
  name: 'reduce',
  inputs: (a) => [{ name: 'x', shape: a.shape }],
  forward: ([x], a) => [reduceSumRef(x!, a.shape, a.axes, alphaOf(a))],
  backward: (_x, [g], a) => [reduceSumGradRef(g!, a.shape, a.axes, alphaOf(a))],
  gpu: (tape, [x], a) => [(a.mean ? mean : sum)(tape, x!, a.axes, true)],
};

export const reduceCases = bindCases(reduceDef, [
  { name: 'sum last axis', attrs: { shape: [4, 70], axes: [1] } },
  { name: 'sum first axis', attrs: { shape: [130, 3], axes: [0] } },
  { name: 'sum all', attrs: { shape: [3, 5, 7], axes: [0, 1, 2] } },
  { name: 'sum batch and space (bias grad)', attrs: { shape: [2, 3, 4, 5], axes: [0, 2, 3] } },
  { name: 'mean middle axes', attrs: { shape: [2, 3, 4, 5], axes: [1, 2], mean: true } },
  {
    name: 'sum hand values',
    attrs: { shape: [2, 3], axes: [1] },
    values: { inputs: [[1, 2, 3, 4, 5, 6]], outputs: [[6, 15]] },
  },
]);
