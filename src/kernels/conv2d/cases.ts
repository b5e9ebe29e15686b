// Case table for conv2d: 3×3 and 1×1 kernels, stride 1 and 2, padding 0 and 1, with and
// without bias, odd sizes (the stride-2 gradient must skip the taps that do not divide).

import { bindCases, type OpDef } from '../testing/case.ts';
import { planConv2d } from './dispatch.ts';
import { conv2d } from './ops.ts';
import { conv2dGradRef, conv2dRef } from './reference.ts';

interface ConvAttrs {
  x: [number, number, number, number];
  out: number;
  k: number;
  stride: number;
  padding: number;
  bias: boolean;
}

const plan = (a: ConvAttrs) => planConv2d(a.x, [a.out, a.x[1], a.k, a.k], { stride: a.stride, padding: a.padding });

const convDef: OpDef<ConvAttrs> = {
  name: 'conv2d',
  inputs: (a) => [
    { name: 'x', shape: a.x },
    { name: 'weight', shape: [a.out, a.x[1], a.k, a.k] },
    ...(a.bias ? [{ name: 'bias', shape: [a.out] }] : []),
  ],
  forward: ([x, w, b], a) => [conv2dRef(x!, w!, b ?? null, plan(a))],
  backward: ([x, w], [g], a) => {
    const { gx, gw, gb } = conv2dGradRef(x!, w!, g!, plan(a));
    return a.bias ? [gx, gw, gb] : [gx, gw];
  },
  gpu: (tape, [x, w, b], a) => [conv2d(tape, x!, w!, b ?? null, { stride: a.stride, padding: a.padding })],
};

export const conv2dCases = bindCases(convDef, [
  { name: '3x3 s1 p1 bias', attrs: { x: [2, 3, 6, 5], out: 4, k: 3, stride: 1, padding: 1, bias: true } },
  { name: '3x3 s1 p0', attrs: { x: [1, 2, 5, 6], out: 3, k: 3, stride: 1, padding: 0, bias: false } },
  { name: '3x3 s2 p1 odd size', attrs: { x: [2, 3, 7, 5], out: 5, k: 3, stride: 2, padding: 1, bias: true } },
  { name: '1x1 s1', attrs: { x: [2, 5, 4, 3], out: 6, k: 1, stride: 1, padding: 0, bias: true } },
  { name: '1x1 s2', attrs: { x: [1, 4, 5, 5], out: 3, k: 1, stride: 2, padding: 0, bias: false } },
  { name: 'multi-tile 3x3', attrs: { x: [1, 8, 9, 9], out: 70, k: 3, stride: 1, padding: 1, bias: true } },
  {
    name: 'hand values',
    attrs: { x: [1, 1, 3, 3], out: 1, k: 3, stride: 1, padding: 0, bias: true },
    values: {
      inputs: [[1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 0, 0, 1, 0, 0, 0, 0], [0.5]],
      outputs: [[5.5]],
    },
  },
]);
