// Seeded draws for nucleus sampling, so a caption is reproducible from its seed. The generator is
// shared's mulberry32 (period 2³², plenty for drawing a few dozen tokens).

import type { Random } from '../../shared/random.ts';

export { mulberry32, type Random } from '../../shared/random.ts';

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
