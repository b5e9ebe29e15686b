// One seeded generator for everything that must draw the same numbers on every run and in every
// browser: kernel test inputs, training's per-step streams, caption sampling, fixture weights.

/** Uniform floats in [0, 1). */
export type Random = () => number;

/** mulberry32: 32-bit state, period 2³²; the same seed gives the same stream. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
