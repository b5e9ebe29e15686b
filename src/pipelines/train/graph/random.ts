// Seeded randomness for training. Every draw a step makes (timesteps, noise, dropout masks,
// caption dropout, crops) comes from streams derived from (seed, step, purpose), never from a
// stream carried across steps: a run resumed from a checkpoint at step s draws exactly what the
// uninterrupted run drew there, so its loss curve is the same.

import { mulberry32 } from '../../../shared/random.ts';

export { mulberry32 };

/** A 32-bit seed from any number of integers and labels (FNV-1a over their text, then mixed). */
export function deriveSeed(...parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u241f')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A stream for one purpose of one step. */
export function stepRandom(seed: number, step: number, purpose: string): () => number {
  return mulberry32(deriveSeed(seed, step, purpose));
}

/** An integer in [lo, hi] inclusive (Python's random.randint). */
export function randint(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Standard normals by Box–Muller (for LoRA's normal(std 1/r) initialisation). */
export function normals(random: () => number, count: number, std = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * nn.Dropout's training mask: each value kept with probability 1 − p and scaled by 1/(1 − p),
 * so the expectation is unchanged.
 */
export function dropoutMask(random: () => number, count: number, p: number): Float32Array {
  const keep = 1 / (1 - p);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = random() < p ? 0 : keep;
  return out;
}
