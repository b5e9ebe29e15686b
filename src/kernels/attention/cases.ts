// Case table for attention: self- and cross-attention, heads as a batch axis, a causal mask,
// and an explicit scale.

import { bindCases, type OpDef } from '../testing/case.ts';
import { attention } from './ops.ts';
import { attentionGradRef, attentionRef, type AttentionDims } from './reference.ts';

interface AttentionAttrs {
  batch: number[];
  lq: number;
  lk: number;
  d: number;
  dv: number;
  scale?: number;
  causal?: boolean;
}

const dims = (a: AttentionAttrs): AttentionDims => ({
  batch: a.batch.reduce((n, v) => n * v, 1),
  lq: a.lq,
  lk: a.lk,
  d: a.d,
  dv: a.dv,
  scale: a.scale ?? 1 / Math.sqrt(a.d),
  causal: a.causal ?? false,
});

const attentionDef: OpDef<AttentionAttrs> = {
  name: 'attention',
  inputs: (a) => [
    { name: 'q', shape: [...a.batch, a.lq, a.d], range: [-2, 2] },
    { name: 'k', shape: [...a.batch, a.lk, a.d], range: [-2, 2] },
    { name: 'v', shape: [...a.batch, a.lk, a.dv] },
  ],
  forward: ([q, k, v], a) => [attentionRef(q!, k!, v!, dims(a))],
  backward: ([q, k, v], [g], a) => attentionGradRef(q!, k!, v!, g!, dims(a)),
  gpu: (tape, [q, k, v], a) => [attention(tape, q!, k!, v!, { ...(a.scale ? { scale: a.scale } : {}), causal: a.causal ?? false })],
};

export const attentionCases = bindCases(attentionDef, [
  { name: 'self attention', attrs: { batch: [2], lq: 6, lk: 6, d: 4, dv: 4 } },
  { name: 'cross attention', attrs: { batch: [1], lq: 5, lk: 9, d: 8, dv: 3 } },
  { name: 'heads as batch', attrs: { batch: [2, 3], lq: 4, lk: 4, d: 2, dv: 2 } },
  { name: 'causal', attrs: { batch: [2], lq: 5, lk: 5, d: 4, dv: 4, causal: true } },
  { name: 'explicit scale', attrs: { batch: [1], lq: 3, lk: 70, d: 5, dv: 6, scale: 0.3 } },
]);
