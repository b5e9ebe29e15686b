// A small seeded generator for nucleus sampling, so a caption is reproducible from its seed.
// mulberry32: 32-bit state, period 2³², plenty for drawing a few dozen tokens.

export type Random = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed; the same seed gives the same stream. */
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

/** One draw from a categorical distribution (probabilities summing to 1; zeros are never drawn). */
export function sampleIndex(probs: ArrayLike<number>, random: Random): number {
  const u = random();
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (p <= 0) continue;
    cumulative += p;
    last = i;
    if (u < cumulative) return i;
  }
  // Rounding can leave the total a hair under 1: fall back to the last possible token.
  return last;
}
