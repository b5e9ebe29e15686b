import { describe, expect, it } from 'vitest';
import { decodeRetinaFace, nonMaxSuppression, priorBoxes, type Face } from '../../src/pipelines/face/retinaface.ts';

describe('priorBoxes', () => {
  it('has two anchors per cell at strides 8, 16 and 32', () => {
    // 640²: (80² + 40² + 20²) cells × 2 anchors.
    expect(priorBoxes(640, 640).length / 4).toBe(16800);
    // Non-multiples round up: 100×60 → (13·8 + 7·4 + 4·2) cells.
    expect(priorBoxes(100, 60).length / 4).toBe(2 * (13 * 8 + 7 * 4 + 4 * 2));
  });

  it('centres the first anchors on the first cell', () => {
    expect([...priorBoxes(64, 64).slice(0, 8)]).toEqual([4, 4, 16, 16, 4, 4, 32, 32]);
  });
});

describe('decodeRetinaFace', () => {
  const width = 64;
  const height = 64;
  const count = priorBoxes(width, height).length / 4;

  function outputs() {
    return { loc: new Float32Array(count * 4), conf: new Float32Array(count * 2), landmarks: new Float32Array(count * 10) };
  }

  it('decodes offsets with the variances', () => {
    const { loc, conf, landmarks } = outputs();
    // Prior 1: centre (4, 4), size 32. Shift the centre by +1·0.1·32 = 3.2 in x and scale w by e^(0.2·ln2/0.2) = 2.
    loc.set([1, 0, Math.log(2) / 0.2, 0], 4);
    conf.set([0.1, 0.9], 2);
    landmarks.set([0, 0, 1, 0, 0, 1, -1, 0, 0, -1], 10);
    const faces = decodeRetinaFace(loc, conf, landmarks, { width, height });
    expect(faces).toHaveLength(1);
    const [face] = faces;
    [7.2 - 32, 4 - 16, 7.2 + 32, 4 + 16].forEach((v, i) => expect(face!.box[i]).toBeCloseTo(v, 4));
    expect(face!.score).toBeCloseTo(0.9);
    const expected = [[4, 4], [7.2, 4], [4, 7.2], [0.8, 4], [4, 0.8]];
    face!.landmarks.forEach((p, k) => p.forEach((v, j) => expect(v).toBeCloseTo(expected[k]![j]!, 4)));
  });

  it('drops faces under the score threshold', () => {
    const { loc, conf, landmarks } = outputs();
    conf.set([0.6, 0.4], 0);
    expect(decodeRetinaFace(loc, conf, landmarks, { width, height })).toEqual([]);
  });

  it('refuses outputs that do not match the input size', () => {
    const { loc, conf, landmarks } = outputs();
    expect(() => decodeRetinaFace(loc, conf, landmarks, { width: 128, height: 64 })).toThrow(/priors/);
  });
});

describe('nonMaxSuppression', () => {
  const face = (box: Face['box'], score: number): Face => ({ box, score, landmarks: [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]] });

  it('keeps the best of overlapping boxes and separate faces', () => {
    const kept = nonMaxSuppression([face([0, 0, 10, 10], 0.8), face([1, 1, 11, 11], 0.9), face([50, 50, 60, 60], 0.7)], 0.4);
    expect(kept.map((f) => f.score)).toEqual([0.9, 0.7]);
  });

  it('keeps boxes whose overlap is under the threshold', () => {
    // IoU of [0,0,10,10] and [5,0,15,10] = 50 / 150 = 1/3.
    expect(nonMaxSuppression([face([0, 0, 10, 10], 0.9), face([5, 0, 15, 10], 0.8)], 0.4)).toHaveLength(2);
    expect(nonMaxSuppression([face([0, 0, 10, 10], 0.9), face([5, 0, 15, 10], 0.8)], 0.3)).toHaveLength(1);
  });
});
