// Decoding on fixture decoders whose logits come from a table (or a seeded hash of the prefix):
// beam search against a brute-force enumeration, hand-traced cases for greedy vs beams and early
// stopping, min/max length, repetition penalty, and seeded sampling.
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/pipelines/blip/generate.ts';
import { applyRepetitionPenalty, blockEndBeforeMinLength, logSoftmax } from '../../src/pipelines/blip/logits.ts';
import type { DecoderStep, GenerationOptions } from '../../src/pipelines/blip/types.ts';

const EOS = 0;
const ids = { eosTokenId: EOS, padTokenId: EOS };
type Logits = (generated: readonly number[]) => number[];

/** A decoder whose next-token logits depend only on the tokens generated after the prompt. */
function fixture(promptLength: number, logits: Logits): { step: DecoderStep<null>; calls: number[] } {
  const calls: number[] = [];
  const step: DecoderStep<null> = async (rows) => {
    calls.push(rows.length);
    return rows.map((row) => new Float32Array(logits(row.slice(promptLength))));
  };
  return { step, calls };
}

/**
 * Probabilities per generated prefix (key: tokens joined by ","); tokens a row leaves out are
 * impossible (log 0), and a prefix with no row gets a uniform distribution.
 */
function table(vocab: number, entries: Record<string, Record<number, number>>): Logits {
  return (generated) => {
    const row = entries[generated.join(',')];
    return Array.from({ length: vocab }, (_, t) => (row ? Math.log(row[t] ?? 0) : 0));
  };
}

/** Pseudo-random logits from a hash of the prefix: a decoder nobody tuned the test for. */
function hashed(vocab: number, seed: number): Logits {
  return (generated) =>
    Array.from({ length: vocab }, (_, t) => {
      let h = (seed * 2654435761 + t * 40503) >>> 0;
      for (const g of generated) h = Math.imul(h ^ (g + 0x9e3779b9), 2246822519) >>> 0;
      h ^= h >>> 13;
      h = Math.imul(h, 3266489917) >>> 0;
      return ((h >>> 8) / 2 ** 24) * 4;
    });
}

/** Every sequence scored as HF's beam scorer scores finished hypotheses; the best one. */
function bruteForce(prompt: number[], logits: Logits, o: { maxLength: number; minLength: number; repetitionPenalty: number; lengthPenalty?: number }) {
  const lp = o.lengthPenalty ?? 1;
  let best = { ids: [] as number[], score: -Infinity };
  const consider = (seq: number[], sum: number, ended: boolean) => {
    const score = sum / seq.length ** lp;
    if (score > best.score) best = { ids: ended ? [...seq, EOS] : seq, score };
  };
  const walk = (seq: number[], sum: number) => {
    if (seq.length === o.maxLength) return consider(seq, sum, false);
    const scores = logSoftmax(new Float32Array(logits(seq.slice(prompt.length))));
    applyRepetitionPenalty(scores, seq, o.repetitionPenalty);
    blockEndBeforeMinLength(scores, seq.length, o.minLength, EOS);
    scores.forEach((s, t) => {
      if (s === -Infinity) return;
      if (t === EOS) consider(seq, sum + s, true);
      else walk([...seq, t], sum + s);
    });
  };
  walk(prompt, 0);
  return best;
}

const beam = (numBeams: number, rest: Partial<GenerationOptions> = {}): GenerationOptions => ({
  method: 'beam',
  numBeams,
  minLength: 0,
  maxLength: 5,
  repetitionPenalty: 1,
  ...rest,
});

describe('beam search', () => {
  it.each([
    { seed: 1, minLength: 0, repetitionPenalty: 1 },
    { seed: 2, minLength: 3, repetitionPenalty: 1 },
    { seed: 3, minLength: 0, repetitionPenalty: 1.4 },
    { seed: 4, minLength: 4, repetitionPenalty: 2 },
    { seed: 5, minLength: 0, repetitionPenalty: 1, lengthPenalty: 2 },
  ])('with beams to spare equals brute-force enumeration (%o)', async ({ seed, ...settings }) => {
    const prompt = [3];
    const logits = hashed(4, seed);
    const expected = bruteForce(prompt, logits, { maxLength: 4, ...settings });
    const { step } = fixture(prompt.length, logits);
    // 3 live prefixes per step at most 27: 40 beams keep every one of them, so nothing is pruned.
    const result = await generate(step, null, prompt, beam(40, { maxLength: 4, ...settings }), ids);
    expect(result.ids).toEqual(expected.ids);
    expect(result.score).toBeCloseTo(expected.score, 5);
  });

  it('finds what greedy misses (hand-traced, 2 beams)', async () => {
    // A (0.5) leads to nothing better than 0.3; B (0.4) leads to C at 0.9: 0.36 beats 0.15.
    const logits = table(5, {
      '': { 1: 0.5, 2: 0.4, 0: 0.1 },
      '1': { 3: 0.3, 4: 0.25, 0: 0.25, 2: 0.2 },
      '2': { 3: 0.9, 0: 0.1 },
      '2,3': { 0: 1 },
      '1,3': { 0: 1 },
      '1,4': { 0: 1 },
    });
    const greedy = await generate(fixture(1, logits).step, null, [9], { ...beam(1), method: 'greedy' }, ids);
    expect(greedy.ids).toEqual([9, 1, 3, 0]);
    const { step, calls } = fixture(1, logits);
    const two = await generate(step, null, [9], beam(2), ids);
    expect(two.ids).toEqual([9, 2, 3, 0]);
    // log(0.4 · 0.9 · 1) over 3 tokens (prompt included, end token not).
    expect(two.score).toBeCloseTo(Math.log(0.4 * 0.9) / 3, 5);
    // Every decoder call carries all beams.
    expect(calls.every((n) => n === 2)).toBe(true);
  });

  it('early stopping returns once numBeams sequences finished; without it a longer, better one wins', async () => {
    const logits = table(5, {
      '': { 0: 0.37, 1: 0.5, 2: 0.13 },
      '1': { 3: 0.5, 0: 0.45, 4: 0.05 },
      '1,3': { 0: 1 },
      '2': { 0: 0.5, 3: 0.5 },
    });
    // Finished: [p] at log 0.37 (score −0.99), [p,1] at log(0.5·0.45)/2 = −0.75, [p,1,3] at log(0.5·0.5)/3 = −0.46.
    // With 2 hypotheses after step 2, early stopping ends there; otherwise −0.99 ≥ −1.39/2 fails and it goes on.
    const early = await generate(fixture(1, logits).step, null, [9], beam(2, { earlyStopping: true }), ids);
    expect(early.ids).toEqual([9, 1, 0]);
    const patient = await generate(fixture(1, logits).step, null, [9], beam(2, { earlyStopping: false }), ids);
    expect(patient.ids).toEqual([9, 1, 3, 0]);
    expect(patient.score).toBeCloseTo(Math.log(0.5 * 0.5) / 3, 5);
  });
});

describe('lengths and repetition', () => {
  // The end token is always the likeliest next token; token 1 comes second.
  const eager = table(4, Object.fromEntries(['', '1', '1,1', '1,1,1', '1,1,1,1', '1,1,1,1,1', '1,1,1,1,1,1'].map((k) => [k, { 0: 0.6, 1: 0.3, 2: 0.1 }])));

  it.each(['greedy', 'beam', 'sample'] as const)('%s: min_length keeps the end token away, max_length caps the length', async (method) => {
    const options: GenerationOptions = { method, numBeams: 3, minLength: 5, maxLength: 8, repetitionPenalty: 1, seed: 3, topP: 1, topK: 0 };
    const out = await generate(fixture(1, eager).step, null, [9], options, ids);
    expect(out.ids.length).toBeGreaterThanOrEqual(6);
    expect(out.ids.indexOf(EOS)).toBeGreaterThanOrEqual(5);
    expect(out.ids.slice(0, -1)).not.toContain(EOS);
    if (method !== 'sample') expect(out.ids).toEqual([9, 1, 1, 1, 1, 0]);
    // Nothing ends: stops at max_length without an end token.
    const never = await generate(fixture(1, () => [-50, 1, 0.5, 0]).step, null, [9], { ...options, minLength: 0 }, ids);
    expect(never.ids).toHaveLength(8);
    expect(never.ids).not.toContain(EOS);
  });

  it('repetition penalty: greedy stops repeating the favourite (1.0 / 1.4 < 0.9)', async () => {
    const favourite = () => [-5, 1.0, 0.9, 0.1];
    const plain = await generate(fixture(1, favourite).step, null, [9], { method: 'greedy', minLength: 0, maxLength: 5, repetitionPenalty: 1 }, ids);
    expect(plain.ids).toEqual([9, 1, 1, 1, 1]);
    const penalised = await generate(fixture(1, favourite).step, null, [9], { method: 'greedy', minLength: 0, maxLength: 5, repetitionPenalty: 1.4 }, ids);
    // After 1: 1 → 0.714 < 0.9 → 2; then both seen: 0.714 > 0.643 → 1 again.
    expect(penalised.ids).toEqual([9, 1, 2, 1, 1]);
  });

  it('repetition penalty also counts the prompt, as Hugging Face does', async () => {
    const out = await generate(fixture(1, () => [-5, 1.0, 0.9, 0.1]).step, null, [1], { method: 'greedy', minLength: 0, maxLength: 2, repetitionPenalty: 1.4 }, ids);
    expect(out.ids).toEqual([1, 2]);
  });
});

describe('nucleus sampling', () => {
  const sampling = (seed: number, rest: Partial<GenerationOptions> = {}): GenerationOptions => ({
    method: 'sample',
    minLength: 0,
    maxLength: 12,
    repetitionPenalty: 1,
    topP: 0.9,
    topK: 0,
    seed,
    ...rest,
  });
  const logits = hashed(6, 11);

  it('is deterministic for a seed and varies across seeds', async () => {
    const a = await generate(fixture(1, logits).step, null, [9], sampling(5), ids);
    const b = await generate(fixture(1, logits).step, null, [9], sampling(5), ids);
    expect(b.ids).toEqual(a.ids);
    const outputs = new Set<string>();
    for (let seed = 0; seed < 20; seed++) outputs.add((await generate(fixture(1, logits).step, null, [9], sampling(seed), ids)).ids.join(','));
    expect(outputs.size).toBeGreaterThan(5);
  });

  it('top_p → 0 or top_k = 1 is greedy', async () => {
    const greedy = await generate(fixture(1, logits).step, null, [9], { ...sampling(0), method: 'greedy' }, ids);
    expect((await generate(fixture(1, logits).step, null, [9], sampling(1, { topP: 1e-6 }), ids)).ids).toEqual(greedy.ids);
    expect((await generate(fixture(1, logits).step, null, [9], sampling(2, { topK: 1, topP: 1 }), ids)).ids).toEqual(greedy.ids);
  });

  it('only ever draws from the nucleus', async () => {
    // probabilities 0.5, 0.3, 0.2 for tokens 1, 2, 3 at every step; top_p 0.75 rules token 3 out.
    const fixed = () => [-30, Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    const seen = new Set<number>();
    for (let seed = 0; seed < 30; seed++) {
      const out = await generate(fixture(1, fixed).step, null, [9], sampling(seed, { topP: 0.75, maxLength: 6 }), ids);
      out.ids.slice(1).forEach((t) => seen.add(t));
    }
    expect([...seen].sort()).toEqual([1, 2]);
  });
});

describe('settings', () => {
  it('rejects impossible lengths and values, and stops when aborted', async () => {
    const { step } = fixture(1, hashed(4, 1));
    await expect(generate(step, null, [9], { ...beam(2), minLength: 9, maxLength: 5 }, ids)).rejects.toThrow(/above the maximum/);
    await expect(generate(step, null, [9], { ...beam(2), topP: 0, method: 'sample' }, ids)).rejects.toThrow(/top_p/);
    const controller = new AbortController();
    controller.abort();
    await expect(generate(step, null, [9], beam(2), ids, { signal: controller.signal })).rejects.toThrow();
  });
});
