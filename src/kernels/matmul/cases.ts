// Case table for matmul: sizes that are not tile multiples (edges), more than one tile per axis
// (BM = BN = 64), every transpose combination, batches and broadcast operands.

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { matmul } from './ops.ts';
import { matmulGradRef, matmulRef } from './reference.ts';

export interface MatmulCaseAttrs {
  a: Shape;
  b: Shape;
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
}

const matmulDef: OpDef<MatmulCaseAttrs> = {
  name: 'matmul',
  inputs: (c) => [
    { name: 'a', shape: c.a },
    { name: 'b', shape: c.b },
  ],
  forward: ([a, b], c) => [matmulRef(a!, c.a, b!, c.b, c)],
  backward: ([a, b], [g], c) => matmulGradRef(a!, c.a, b!, c.b, g!, c),
  gpu: (tape, [a, b], c) => [matmul(tape, a!, b!, c)],
};

export const matmulCases = bindCases(matmulDef, [
  { name: '1x1x1', attrs: { a: [1, 1], b: [1, 1] } },
  { name: 'odd 5x7x3', attrs: { a: [5, 7], b: [7, 3] } },
  { name: 'multi-tile 70x33x66', attrs: { a: [70, 33], b: [33, 66] } },
  { name: 'transA', attrs: { a: [9, 6], b: [9, 11], transA: true } },
  { name: 'transB', attrs: { a: [6, 9], b: [11, 9], transB: true } },
  { name: 'transA transB alpha', attrs: { a: [9, 6], b: [11, 9], transA: true, transB: true, alpha: 0.5 } },
  { name: 'batched', attrs: { a: [3, 5, 8], b: [3, 8, 4] } },
  { name: 'batched rank 4 transB', attrs: { a: [2, 2, 4, 6], b: [2, 2, 5, 6], transB: true } },
  { name: 'broadcast B', attrs: { a: [3, 5, 8], b: [8, 4] } },
  { name: 'broadcast A transA', attrs: { a: [8, 5], b: [2, 8, 4], transA: true } },
  {
    name: 'hand values',
    attrs: { a: [2, 2], b: [2, 2] },
    values: { inputs: [[1, 2, 3, 4], [5, 6, 7, 8]], outputs: [[19, 22, 43, 50]] },
  },
]);
