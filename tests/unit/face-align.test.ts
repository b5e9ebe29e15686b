import { describe, expect, it } from 'vitest';
import { alignmentTransform, applyAffine, estimateSimilarity, ffhq512Template, invertAffine, type Affine, type FiveLandmarks, type Point } from '../../src/pipelines/face/align.ts';

const close = (actual: readonly number[], expected: readonly number[], digits = 6) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));

describe('estimateSimilarity', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    // 90° rotation, scale 2, shift (10, −5): (x, y) → (−2y + 10, 2x − 5).
    const from: Point[] = [[0, 0], [1, 0], [0, 1], [3, 4]];
    const to = from.map(([x, y]) => [-2 * y + 10, 2 * x - 5] as const);
    close(estimateSimilarity(from, to), [0, -2, 10, 2, 0, -5]);
  });

  it('gives the least-squares fit for noisy points', () => {
    // Symmetric noise around an identity map cancels: the best similarity is the identity.
    const from: Point[] = [[0, 0], [10, 0], [0, 10], [10, 10]];
    const to: Point[] = [[0.5, 0], [9.5, 0], [0.5, 10], [9.5, 10]];
    const m = estimateSimilarity(from, to);
    // Hand computation: re = Σ qx·px + qy·py = 4·(4.5·5) + 4·25 = 190; norm = 200 → a = 0.95, b = 0.
    close(m, [0.95, 0, 0.25, 0, 0.95, 0.25]);
  });

  it('rejects degenerate input', () => {
    expect(() => estimateSimilarity([[1, 1], [1, 1]], [[0, 0], [1, 1]])).toThrow(RangeError);
    expect(() => estimateSimilarity([[1, 1]], [[0, 0]])).toThrow(RangeError);
  });
});

describe('alignmentTransform', () => {
  it('maps landmarks already on the template to the identity', () => {
    close(alignmentTransform(ffhq512Template), [1, 0, 0, 0, 1, 0]);
  });

  it('undoes a face shrunk by half, turned 30° and moved', () => {
    const angle = Math.PI / 6;
    const forward: Affine = [0.5 * Math.cos(angle), -0.5 * Math.sin(angle), 300, 0.5 * Math.sin(angle), 0.5 * Math.cos(angle), 120];
    const landmarks = ffhq512Template.map((p) => applyAffine(forward, p)) as unknown as FiveLandmarks;
    const m = alignmentTransform(landmarks);
    close(m, invertAffine(forward));
    landmarks.forEach((p, i) => close(applyAffine(m, p), ffhq512Template[i]!, 4));
  });

  it('scales the template for smaller crops', () => {
    const m = alignmentTransform(ffhq512Template, 256);
    close(m, [0.5, 0, 0, 0, 0.5, 0]);
  });
});

describe('invertAffine', () => {
  it('composes with the original to the identity', () => {
    const m: Affine = [1.2, -0.4, 7, 0.3, 0.9, -2];
    const inverse = invertAffine(m);
    for (const p of [[0, 0], [5, -3], [100, 40]] as Point[]) close(applyAffine(inverse, applyAffine(m, p)), p);
  });
});
