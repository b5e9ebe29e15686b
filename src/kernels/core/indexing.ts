// Rank-generic indexing for elementwise, broadcast and reduction shaders. Shapes are padded on
// the left to MAX_RANK and passed as scalar uniforms (`u.<prefix><axis>`), so one compiled
// pipeline serves every shape of a kernel.

import { InvalidInputError } from '../../shared/errors.ts';
import type { Param } from './program.ts';

export const MAX_RANK = 6;

/** Left-pads `values` to MAX_RANK with `fill`. */
export function padLeft(values: readonly number[], fill: number): number[] {
  if (values.length > MAX_RANK) throw new InvalidInputError(`Rank ${values.length} is over the kernels' maximum of ${MAX_RANK}.`);
  return [...new Array<number>(MAX_RANK - values.length).fill(fill), ...values];
}

/** Uniform params `<prefix>0 … <prefix>5` holding `values` left-padded with `fill`. */
export function axisParams(prefix: string, values: readonly number[], fill: number): Record<string, Param> {
  const out: Record<string, Param> = {};
  padLeft(values, fill).forEach((v, i) => {
    out[`${prefix}${i}`] = ['u32', v];
  });
  return out;
}

/**
 * WGSL statements that split the flat index `index` over the dims `u.<dims>0..5` (row-major)
 * and accumulate, for each entry of `offsets`, `var <name>: u32` = Σ coord · u.<stridePrefix>axis.
 */
export function offsetsWgsl(index: string, dims: string, offsets: Readonly<Record<string, string>>, tag = ''): string {
  const rem = `rem${tag}`;
  const lines = [`var ${rem}: u32 = ${index};`, ...Object.keys(offsets).map((name) => `var ${name}: u32 = 0u;`)];
  for (let axis = MAX_RANK - 1; axis >= 0; axis--) {
    const adds = Object.entries(offsets).map(([name, stride]) => `${name} += c * u.${stride}${axis};`);
    lines.push(`{ let c = ${rem} % u.${dims}${axis}; ${rem} = ${rem} / u.${dims}${axis}; ${adds.join(' ')} }`);
  }
  return lines.join('\n  ');
}
