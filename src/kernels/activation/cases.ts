// Case table for GELU, SiLU and GEGLU, over inputs wide enough to reach GELU's tails.

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { geglu, gelu, silu } from './ops.ts';
import { gegluGradRef, gegluRef, geluGradRef, geluRef, siluGradRef, siluRef } from './reference.ts';

interface ActivationAttrs {
  kind: 'gelu' | 'silu' | 'geglu';
  x: Shape;
}

const lastHalf = (a: ActivationAttrs): number => a.x[a.x.length - 1]! / 2;

const activationDef: OpDef<ActivationAttrs> = {
  name: 'activation',
  inputs: (a) => [{ name: 'x', shape: a.x, range: [-4, 4] }],
  forward: ([x], a) => [a.kind === 'gelu' ? geluRef(x!) : a.kind === 'silu' ? siluRef(x!) : gegluRef(x!, lastHalf(a))],
  backward: ([x], [g], a) => [a.kind === 'gelu' ? geluGradRef(x!, g!) : a.kind === 'silu' ? siluGradRef(x!, g!) : gegluGradRef(x!, g!, lastHalf(a))],
  gpu: (tape, [x], a) => [a.kind === 'gelu' ? gelu(tape, x!) : a.kind === 'silu' ? silu(tape, x!) : geglu(tape, x!)],
};

export const activationCases = bindCases(activationDef, [
  { name: 'gelu', attrs: { kind: 'gelu', x: [4, 33] } },
  { name: 'silu', attrs: { kind: 'silu', x: [4, 33] } },
  { name: 'geglu', attrs: { kind: 'geglu', x: [2, 3, 10] } },
  {
    name: 'gelu hand values',
    attrs: { kind: 'gelu', x: [3] },
    // x Φ(x) at 0, 1, -1 (Φ(1) = 0.841344746068543)
    values: { inputs: [[0, 1, -1]], outputs: [[0, 0.841344746068543, -0.158655253931457]] },
  },
]);
