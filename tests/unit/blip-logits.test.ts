// Score processors and the seeded generator, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  applyRepetitionPenalty,
  applyTopK,
  applyTopP,
  argmax,
  blockEndBeforeMinLength,
  logSoftmax,
  softmaxRow,
} from '../../src/pipelines/blip/logits.ts';
import { mulberry32, sampleIndex } from '../../src/pipelines/blip/random.ts';

const f32 = (values: number[]) => new Float32Array(values);

describe('processors', () => {
  it('repetition penalty divides positive and multiplies negative scores, once per token', () => {
    const scores = f32([2, -2, 1, 3]);
    applyRepetitionPenalty(scores, [0, 1, 1, 1, 99], 2);
    expect(Array.from(scores)).toEqual([1, -4, 1, 3]);
  });

  it('min length blocks only the end token, only while too short', () => {
    const scores = f32([5, 1]);
    blockEndBeforeMinLength(scores, 3, 4, 0);
    expect(scores[0]).toBe(-Infinity);
    const later = f32([5, 1]);
    blockEndBeforeMinLength(later, 4, 4, 0);
    expect(later[0]).toBe(5);
  });

  it('log-softmax of log-probabilities gives them back', () => {
    const out = logSoftmax(f32([Math.log(0.5), Math.log(0.3), Math.log(0.2)]));
    expect(Array.from(out).map(Math.exp)).toEqual([expect.closeTo(0.5, 6), expect.closeTo(0.3, 6), expect.closeTo(0.2, 6)]);
    expect(argmax([1, 3, 3])).toBe(1);
  });

  it('top-k keeps the k best and ties with the k-th', () => {
    const scores = f32([1, 4, 3, 3, 0]);
    applyTopK(scores, 2);
    expect(Array.from(scores)).toEqual([-Infinity, 4, 3, 3, -Infinity]);
  });

  it('top-p keeps the smallest set holding p of the mass', () => {
    // probabilities 0.5, 0.3, 0.2: p = 0.75 drops 0.2 (cumulative from the bottom 0.2 ≤ 0.25); p = 0.85 keeps all.
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    const a = f32(logits);
    applyTopP(a, 0.75);
    expect(Array.from(softmaxRow(a))).toEqual([expect.closeTo(0.625, 6), expect.closeTo(0.375, 6), 0]);
    const b = f32(logits);
    applyTopP(b, 0.85);
    expect(Array.from(b).every(Number.isFinite)).toBe(true);
    const c = f32(logits);
    applyTopP(c, 1e-6);
    expect(Array.from(softmaxRow(c))).toEqual([1, 0, 0]);
  });
});

describe('seeded sampling', () => {
  it('the same seed gives the same stream; another seed another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(sa);
    expect(Array.from({ length: 5 }, c)).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws in proportion to the probabilities and never a zero', () => {
    const probs = [0.5, 0, 0.3, 0.2];
    const counts = [0, 0, 0, 0];
    const random = mulberry32(7);
    for (let i = 0; i < 20000; i++) counts[sampleIndex(probs, random)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / 20000).toBeCloseTo(0.5, 1);
    expect(counts[2]! / 20000).toBeCloseTo(0.3, 1);
    expect(counts[3]! / 20000).toBeCloseTo(0.2, 1);
  });
});
