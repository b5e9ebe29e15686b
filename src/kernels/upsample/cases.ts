// Case table for nearest upsampling: ×2 (the UNet's), unequal factors, and ×1.

import { bindCases, type OpDef } from '../testing/case.ts';
import { upsampleNearest } from './ops.ts';
import { upsampleGradRef, upsampleRef } from './reference.ts';

interface UpsampleAttrs {
  x: number[];
  sy: number;
  sx: number;
}

const hw = (a: UpsampleAttrs): [number, number] => [a.x[a.x.length - 2]!, a.x[a.x.length - 1]!];

const upsampleDef: OpDef<UpsampleAttrs> = {
  name: 'upsample',
  inputs: (a) => [{ name: 'x', shape: a.x }],
  forward: ([x], a) => [upsampleRef(x!, ...hw(a), a.sy, a.sx)],
  backward: (_x, [g], a) => [upsampleGradRef(g!, ...hw(a), a.sy, a.sx)],
  gpu: (tape, [x], a) => [upsampleNearest(tape, x!, a.sy, a.sx)],
};

export const upsampleCases = bindCases(upsampleDef, [
  { name: 'x2', attrs: { x: [2, 3, 4, 5], sy: 2, sx: 2 } },
  { name: 'x3 by x1', attrs: { x: [1, 2, 3, 3], sy: 3, sx: 1 } },
  { name: 'identity', attrs: { x: [2, 2, 3], sy: 1, sx: 1 } },
  {
    name: 'hand values',
    attrs: { x: [1, 1, 1, 2], sy: 2, sx: 2 },
    values: { inputs: [[1, 2]], outputs: [[1, 1, 2, 2, 1, 1, 2, 2]] },
  },
]);
