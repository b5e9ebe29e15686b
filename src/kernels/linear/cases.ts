// Case table for linear: with and without bias, 2-d and 3-d inputs, a frozen weight (no
// gradient buffer: the op must skip dW), and sizes past one 64×64 tile.

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { linear } from './ops.ts';
import { linearGradRef, linearRef } from './reference.ts';

interface LinearAttrs {
  x: Shape;
  out: number;
  bias: boolean;
  frozenWeight?: boolean;
}

const inOf = (a: LinearAttrs): number => a.x[a.x.length - 1]!;

const linearDef: OpDef<LinearAttrs> = {
  name: 'linear',
  inputs: (a) => [
    { name: 'x', shape: a.x },
    { name: 'weight', shape: [a.out, inOf(a)], grad: !a.frozenWeight },
    ...(a.bias ? [{ name: 'bias', shape: [a.out] }] : []),
  ],
  forward: ([x, w, b], a) => [linearRef(x!, w!, b ?? null, inOf(a), a.out)],
  backward: ([x, w], [g], a) => {
    const { gx, gw, gb } = linearGradRef(x!, w!, g!, inOf(a), a.out);
    return [gx, a.frozenWeight ? null : gw, ...(a.bias ? [gb] : [])];
  },
  gpu: (tape, [x, w, b], a) => [linear(tape, x!, w!, b ?? null)],
};

export const linearCases = bindCases(linearDef, [
  { name: '2d with bias', attrs: { x: [5, 7], out: 3, bias: true } },
  { name: '3d without bias', attrs: { x: [2, 3, 8], out: 6, bias: false } },
  { name: 'frozen weight', attrs: { x: [4, 6], out: 5, bias: true, frozenWeight: true } },
  { name: 'multi-tile', attrs: { x: [67, 20], out: 70, bias: true } },
  {
    name: 'hand values',
    attrs: { x: [1, 2], out: 2, bias: true },
    values: { inputs: [[1, 2], [1, 0, 0.5, -1], [10, 20]], outputs: [[11, 18.5]] },
  },
]);
