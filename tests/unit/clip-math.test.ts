// Interrogation arithmetic against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { dot, l2Normalize, labelProbabilities, rankLabels, similarityLabels, softmax, topK } from '../../src/pipelines/clip/math.ts';

/** A unit vector in 2D whose dot product with [1, 0] is c. */
const unit = (c: number) => [c, Math.sqrt(1 - c * c)];

describe('vectors', () => {
  it('normalises to unit length and leaves a zero vector at zero', () => {
    expect(Array.from(l2Normalize([3, 4]))).toEqual([expect.closeTo(0.6, 7), expect.closeTo(0.8, 7)]);
    expect(Array.from(l2Normalize([0, 0, 0]))).toEqual([0, 0, 0]);
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(() => dot([1], [1, 2])).toThrow(/same model/);
  });

  it('softmax of [0, ln 3] is [1/4, 3/4], and survives huge logits', () => {
    const [a, b] = softmax([0, Math.log(3)]);
    expect(a).toBeCloseTo(0.25, 12);
    expect(b).toBeCloseTo(0.75, 12);
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });

  it('topK keeps ties in input order', () => {
    expect(topK([0.1, 0.5, 0.5, 0.9], 3)).toEqual([3, 1, 2]);
    expect(topK([1, 2], 5)).toEqual([1, 0]);
  });
});

describe('rank = softmax(100 · image · textᵀ), top k in %', () => {
  const image = [1, 0];
  const labels = ['cat', 'dog', 'car'];
  // Cosines 0.30, 0.29, 0.10 → logits 30, 29, 10 → e^0 : e^-1 : e^-20.
  const texts = [unit(0.3), unit(0.29), unit(0.1)];
  const z = 1 + Math.exp(-1) + Math.exp(-20);

  it('gives the probabilities worked out by hand', () => {
    const probs = labelProbabilities([image], texts);
    expect(probs[0]).toBeCloseTo(1 / z, 10);
    expect(probs[1]).toBeCloseTo(Math.exp(-1) / z, 10);
    expect(probs[2]).toBeCloseTo(Math.exp(-20) / z, 15);
  });

  it('returns the top two with confidence in percent (73.11 %, 26.89 %)', () => {
    const top = rankLabels([image], labels, texts, 2);
    expect(top.map((e) => e.text)).toEqual(['cat', 'dog']);
    expect(top[0]!.confidence).toBeCloseTo((100 * 1) / z, 8);
    expect(top[1]!.confidence).toBeCloseTo((100 * Math.exp(-1)) / z, 8);
    expect(top[0]!.confidence).toBeCloseTo(73.1059, 3);
    expect(rankLabels([image], labels, texts, 10)).toHaveLength(3);
  });

  it('averages the softmax over several images, as nataili does', () => {
    // An image at right angles to the first ranks the labels the other way round.
    const second = [0, 1];
    const p1 = labelProbabilities([image], texts);
    const p2 = labelProbabilities([second], texts);
    const both = labelProbabilities([image, second], texts);
    both.forEach((p, i) => expect(p).toBeCloseTo((p1[i]! + p2[i]!) / 2, 12));
  });
});

describe('similarity = dot products, highest first', () => {
  it('sorts every label by cosine', () => {
    const result = similarityLabels([1, 0], ['a', 'b', 'c'], [unit(0.1), unit(0.3), unit(-0.2)]);
    expect(result.map((e) => e.text)).toEqual(['b', 'a', 'c']);
    expect(result.map((e) => e.similarity)).toEqual([expect.closeTo(0.3, 12), expect.closeTo(0.1, 12), expect.closeTo(-0.2, 12)]);
  });
});
