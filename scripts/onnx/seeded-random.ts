// Deterministic numbers for fixture weights: the same seed gives byte-identical model files.

import { mulberry32 } from '../../src/shared/random.ts';

/** The app's seeded generator (mulberry32); plenty for test weights. */
export const seededRandom = mulberry32;

/** Uniform values in [-scale, scale). */
export function uniformArray(random: () => number, length: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}
