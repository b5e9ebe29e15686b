// Case table for group norm and layer norm: several groups, one group per channel and one
// group for all, rows longer than a workgroup (64), a constant row (variance 0: eps matters).

import type { Shape } from '../core/shape.ts';
import { bindCases, type OpDef } from '../testing/case.ts';
import { planGroupNorm, planLayerNorm } from './dispatch.ts';
import { groupNorm, layerNorm } from './ops.ts';
import { normGradRef, normRef } from './reference.ts';

interface NormAttrs {
  kind: 'group' | 'layer';
  x: Shape;
  groups?: number;
  eps?: number;
}

const plan = (a: NormAttrs) => (a.kind === 'group' ? planGroupNorm(a.x, a.groups ?? 1, a.eps ?? 1e-5) : planLayerNorm(a.x, a.eps ?? 1e-5));

const normDef: OpDef<NormAttrs> = {
  name: 'norm',
  inputs: (a) => {
    const c = plan(a).channels;
    return [
      { name: 'x', shape: a.x, range: [-2, 3] },
      { name: 'gamma', shape: [c], range: [0.5, 1.5] },
      { name: 'beta', shape: [c] },
    ];
  },
  forward: ([x, gamma, beta], a) => [normRef(x!, gamma!, beta!, plan(a))],
  backward: ([x, gamma], [g], a) => {
    const { gx, ggamma, gbeta } = normGradRef(x!, gamma!, g!, plan(a));
    return [gx, ggamma, gbeta];
  },
  gpu: (tape, [x, gamma, beta], a) => [
    a.kind === 'group' ? groupNorm(tape, x!, a.groups ?? 1, gamma!, beta!, a.eps) : layerNorm(tape, x!, gamma!, beta!, a.eps),
  ],
};

export const normCases = bindCases(normDef, [
  { name: 'group norm 2 groups', attrs: { kind: 'group', x: [2, 4, 3, 3], groups: 2 } },
  { name: 'group norm 1 group', attrs: { kind: 'group', x: [1, 6, 5, 4], groups: 1 } },
  { name: 'group norm instance (groups = C)', attrs: { kind: 'group', x: [2, 3, 4, 4], groups: 3 } },
  { name: 'group norm long rows', attrs: { kind: 'group', x: [1, 8, 10, 10], groups: 4 } },
  { name: 'layer norm', attrs: { kind: 'layer', x: [3, 5, 12] } },
  { name: 'layer norm wide', attrs: { kind: 'layer', x: [4, 150] } },
  {
    name: 'layer norm hand values',
    attrs: { kind: 'layer', x: [2, 2], eps: 0 },
    values: { inputs: [[1, 3, 5, 5.5], [1, 2], [0, 1]], outputs: [[-1, 3, -1, 3]] },
  },
]);
