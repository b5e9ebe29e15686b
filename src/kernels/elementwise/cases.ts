// Case table for the elementwise ops: every unary map, broadcast binary ops in both directions,
// permute and reshape. Shapes stay tiny: the Chromium run is on a software adapter.

import { permuteRef } from '../core/cpu.ts';
import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import type { BinaryOp } from './dispatch.ts';
import { binary, permute, unaryOp } from './ops.ts';
import { chunk, concat } from './copy.ts';
import { binaryBackward, binaryForward, concatGradRef, concatRef, unaryBackward, unaryForward } from './reference.ts';
import { unarySpecs, type UnaryName } from './specs.ts';

interface UnaryAttrs {
  op: UnaryName;
  shape: Shape;
  alpha?: number;
  beta?: number;
  range?: [number, number];
}

const unaryDef: OpDef<UnaryAttrs> = {
  name: 'unary',
  inputs: (a) => [{ name: 'x', shape: a.shape, ...(a.range ? { range: a.range } : {}) }],
  forward: ([x], a) => [unaryForward(a.op, x!, a.alpha, a.beta)],
  backward: ([x], [g], a) => [unaryBackward(a.op, x!, g!, a.alpha, a.beta)],
  gpu: (tape, [x], a) => [unaryOp(tape, unarySpecs[a.op], x!, a.alpha, a.beta)],
};

interface BinaryAttrs {
  op: BinaryOp;
  a: Shape;
  b: Shape;
}

const binaryDef: OpDef<BinaryAttrs> = {
  name: 'binary',
  // Divisors stay away from zero so finite differences are well conditioned.
  inputs: (a) => [
    { name: 'a', shape: a.a },
    { name: 'b', shape: a.b, ...(a.op === 'div' ? { range: [0.5, 2] as const } : {}) },
  ],
  forward: ([x, y], a) => [binaryForward(a.op, x!, a.a, y!, a.b)],
  backward: ([x, y], [g], a) => binaryBackward(a.op, x!, a.a, y!, a.b, g!),
  gpu: (tape, [x, y], a) => [binary(tape, a.op, x!, y!)],
};

interface PermuteAttrs {
  shape: Shape;
  perm: number[];
}

const permuteDef: OpDef<PermuteAttrs> = {
  name: 'permute',
  inputs: (a) => [{ name: 'x', shape: a.shape }],
  forward: ([x], a) => [permuteRef(x!, a.shape, a.perm)],
  backward: (_x, [g], a) => {
    const outShape = a.perm.map((p) => a.shape[p]!);
    return [permuteRef(g!, outShape, a.perm.map((_, i) => a.perm.indexOf(i)))];
  },
  gpu: (tape, [x], a) => [permute(tape, x!, a.perm)],
};

interface ConcatAttrs {
  shapes: Shape[];
  axis: number;
}

const concatDef: OpDef<ConcatAttrs> = {
  name: 'concat',
  inputs: (a) => a.shapes.map((shape, i) => ({ name: `x${i}`, shape })),
  forward: (xs, a) => [concatRef(xs, a.shapes, a.axis)],
  backward: (_xs, [g], a) => concatGradRef(g!, a.shapes, a.axis),
  gpu: (tape, xs, a) => [concat(tape, xs, a.axis)],
};

interface ChunkAttrs {
  shape: Shape;
  chunks: number;
  axis: number;
}

// chunk is the inverse of concat: its reference is concat's gradient, and its gradient concat.
const chunkDef: OpDef<ChunkAttrs> = {
  name: 'chunk',
  inputs: (a) => [{ name: 'x', shape: a.shape }],
  forward: ([x], a) => concatGradRef(x!, partShapes(a), a.axis),
  backward: (_x, gs, a) => [concatRef(gs, partShapes(a), a.axis)],
  gpu: (tape, [x], a) => chunk(tape, x!, a.chunks, a.axis),
};

function partShapes(a: ChunkAttrs): Shape[] {
  return Array.from({ length: a.chunks }, () => a.shape.map((d, i) => (i === a.axis ? d / a.chunks : d)));
}

const unaryNames: UnaryName[] = ['neg', 'exp', 'square', 'relu', 'tanh', 'sigmoid'];

export const elementwiseCases = [
  ...bindCases(unaryDef, [
    ...unaryNames.map((op) => ({ name: op, attrs: { op, shape: [3, 37] } })),
    { name: 'log', attrs: { op: 'log', shape: [2, 9], range: [0.2, 3] } },
    { name: 'sqrt', attrs: { op: 'sqrt', shape: [2, 9], range: [0.2, 3] } },
    { name: 'affine', attrs: { op: 'affine', shape: [5, 7], alpha: -0.75, beta: 0.5 } },
    {
      name: 'exp hand values',
      attrs: { op: 'exp', shape: [3] },
      values: { inputs: [[0, 1, -1]], outputs: [[1, Math.E, 1 / Math.E]] },
    },
  ]),
  ...bindCases(binaryDef, [
    { name: 'add same shape', attrs: { op: 'add', a: [4, 5], b: [4, 5] } },
    { name: 'add row bias', attrs: { op: 'add', a: [3, 4, 5], b: [5] } },
    { name: 'sub both broadcast', attrs: { op: 'sub', a: [3, 1, 5], b: [1, 4, 1] } },
    { name: 'mul channel scale', attrs: { op: 'mul', a: [2, 3, 4, 4], b: [1, 3, 1, 1] } },
    { name: 'mul scalar', attrs: { op: 'mul', a: [1], b: [2, 6] } },
    { name: 'div broadcast', attrs: { op: 'div', a: [2, 3, 5], b: [3, 1] } },
    {
      name: 'add hand values',
      attrs: { op: 'add', a: [2, 2], b: [2] },
      values: { inputs: [[1, 2, 3, 4], [10, 20]], outputs: [[11, 22, 13, 24]] },
    },
  ]),
  ...bindCases(concatDef, [
    { name: 'channels (UNet skip)', attrs: { shapes: [[2, 3, 4, 4], [2, 5, 4, 4]], axis: 1 } },
    { name: 'last axis, three inputs', attrs: { shapes: [[3, 2], [3, 4], [3, 1]], axis: 1 } },
    { name: 'first axis', attrs: { shapes: [[2, 5], [1, 5]], axis: 0 } },
  ]),
  ...bindCases(chunkDef, [
    { name: 'last axis in two (GEGLU halves)', attrs: { shape: [2, 3, 8], chunks: 2, axis: 2 } },
    { name: 'fused qkv in three', attrs: { shape: [4, 9], chunks: 3, axis: 1 } },
  ]),
  ...bindCases(permuteDef, [
    { name: 'transpose 2d', attrs: { shape: [5, 3], perm: [1, 0] } },
    { name: 'heads split', attrs: { shape: [2, 3, 2, 4], perm: [0, 2, 1, 3] } },
    { name: 'rank 5', attrs: { shape: [2, 1, 3, 2, 2], perm: [4, 2, 0, 3, 1] } },
  ]),
];
