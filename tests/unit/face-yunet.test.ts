import { describe, expect, it } from 'vitest';
import { decodeYunet, yunetStrides, type YunetOutputs } from '../../src/pipelines/face/yunet.ts';

function emptyOutputs(width: number, height: number): YunetOutputs {
  const out: Partial<Record<string, Float32Array>> = {};
  for (const s of yunetStrides) {
    const cells = (width / s) * (height / s);
    out[`cls_${s}`] = new Float32Array(cells);
    out[`obj_${s}`] = new Float32Array(cells);
    out[`bbox_${s}`] = new Float32Array(cells * 4);
    out[`kps_${s}`] = new Float32Array(cells * 10);
  }
  return out as YunetOutputs;
}

describe('decodeYunet', () => {
  it('decodes a face from one grid cell', () => {
    const o = emptyOutputs(64, 64);
    // Stride 16 grid is 4×4; cell (row 1, col 2) = index 6.
    o.cls_16[6] = 0.81;
    o.obj_16[6] = 1;
    o.bbox_16.set([0.5, 0.25, Math.log(2), 0], 24);
    o.kps_16.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], 60);
    const [face, ...rest] = decodeYunet(o, { width: 64, height: 64 });
    expect(rest).toEqual([]);
    expect(face!.score).toBeCloseTo(0.9);
    // Centre (2.5·16, 1.25·16) = (40, 20); size (32, 16).
    [24, 12, 56, 28].forEach((v, i) => expect(face!.box[i]).toBeCloseTo(v));
    const expected = [[32, 16], [48, 16], [40, 24], [32, 32], [48, 32]];
    face!.landmarks.forEach((p, k) => p.forEach((v, j) => expect(v).toBeCloseTo(expected[k]![j]!)));
  });

  it('clamps scores and applies the threshold', () => {
    const o = emptyOutputs(32, 32);
    o.cls_8[0] = 1.7; // clamped to 1
    o.obj_8[0] = 0.25; // √0.25 = 0.5 < 0.6
    expect(decodeYunet(o, { width: 32, height: 32 })).toEqual([]);
    expect(decodeYunet(o, { width: 32, height: 32, scoreThreshold: 0.5 })).toHaveLength(1);
  });

  it('refuses outputs of another input size', () => {
    expect(() => decodeYunet(emptyOutputs(64, 64), { width: 96, height: 64 })).toThrow(/do not match/);
  });
});
