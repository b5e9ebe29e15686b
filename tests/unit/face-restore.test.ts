import { describe, expect, it } from 'vitest';
import { ffhq512Template } from '../../src/pipelines/face/align.ts';
import { bgrInput, retinaFaceDetector, type RetinaFaceOutputs } from '../../src/pipelines/face/detectors.ts';
import { restoreFaces, type FaceModels } from '../../src/pipelines/face/restore.ts';
import { priorBoxes } from '../../src/pipelines/face/retinaface.ts';
import type { PlanarTensor, RgbaImage } from '../../src/shared/image/types.ts';

function grey(width: number, height: number, value = 90): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([value, value, value, 255], i);
  return { width, height, data };
}

/** A detector double that reports one face whose landmarks are the template scaled by `s` and moved to (ox, oy). */
function oneFaceDetector(s: number, ox: number, oy: number, seen: number[][] = []): FaceModels['detect'] {
  return retinaFaceDetector(async (input: PlanarTensor): Promise<RetinaFaceOutputs> => {
    seen.push([...input.dims]);
    const [, , h, w] = input.dims;
    const priors = priorBoxes(w, h);
    const count = priors.length / 4;
    const loc = new Float32Array(count * 4);
    const conf = new Float32Array(count * 2);
    const landmarks = new Float32Array(count * 10);
    for (let i = 0; i < count; i++) conf[i * 2] = 1;
    // Use the first large prior; offsets are (target − prior centre) / (0.1 · prior size).
    const i = Math.floor(count * 0.9);
    const [px, py, size] = [priors[i * 4]!, priors[i * 4 + 1]!, priors[i * 4 + 2]!];
    conf.set([0.02, 0.98], i * 2);
    ffhq512Template.forEach(([x, y], k) => {
      landmarks[i * 10 + 2 * k] = (x * s + ox - px) / (0.1 * size);
      landmarks[i * 10 + 2 * k + 1] = (y * s + oy - py) / (0.1 * size);
    });
    return { loc, conf, landmarks };
  });
}

const whiteRestorer: FaceModels['restore'] = async (crop) => ({ data: new Float32Array(crop.data.length).fill(1), dims: crop.dims });

describe('bgrInput', () => {
  it('converts to BGR minus the mean and pads to multiples of 32 with the mean colour', () => {
    const image = grey(40, 33);
    image.data.set([10, 20, 30, 255], 0);
    const t = bgrInput(image, [104, 117, 123]);
    expect(t.dims).toEqual([1, 3, 64, 64]);
    const plane = 64 * 64;
    expect([t.data[0], t.data[plane], t.data[2 * plane]]).toEqual([30 - 104, 20 - 117, 10 - 123]);
    expect(t.data[63]).toBe(0);
  });
});

describe('restoreFaces', () => {
  it('restores the face region and leaves the rest of the image alone', async () => {
    const image = grey(256, 256);
    // The face's landmarks: the template at 1/4 scale, placed at (64, 64).
    const result = await restoreFaces(image, { detect: oneFaceDetector(0.25, 64, 64), restore: whiteRestorer });
    expect(result.faces).toHaveLength(1);
    expect(result.notice).toBeNull();
    const at = (x: number, y: number) => result.image.data[(y * 256 + x) * 4]!;
    // Centre of the crop (256, 256 in template space) → (128, 128) in the image: restored (white).
    expect(at(128, 128)).toBe(255);
    // Far corner: untouched.
    expect(at(250, 250)).toBe(90);
    expect(at(5, 5)).toBe(90);
    expect(result.faces[0]!.landmarks[0][0]).toBeCloseTo(ffhq512Template[0][0] * 0.25 + 64, 3);
  });

  it('detects on a shrunk copy and maps faces back to full size', async () => {
    const seen: number[][] = [];
    const image = grey(1280, 960);
    // In the detector's 640×480 view the face sits at (100, 50), template scaled by 0.3.
    const result = await restoreFaces(image, { detect: oneFaceDetector(0.3, 100, 50, seen), restore: whiteRestorer }, { detectSize: 640 });
    expect(seen).toEqual([[1, 3, 480, 640]]);
    const eye = result.faces[0]!.landmarks[0];
    expect(eye[0]).toBeCloseTo((ffhq512Template[0][0] * 0.3 + 100) * 2, 2);
    expect(eye[1]).toBeCloseTo((ffhq512Template[0][1] * 0.3 + 50) * 2, 2);
  });

  it('blends by strength: 0 keeps the original face', async () => {
    const image = grey(256, 256);
    const result = await restoreFaces(image, { detect: oneFaceDetector(0.25, 64, 64), restore: whiteRestorer }, { strength: 0 });
    const diff = result.image.data.reduce((max, v, i) => Math.max(max, Math.abs(v - image.data[i]!)), 0);
    expect(diff).toBeLessThanOrEqual(1);
  });

  it('returns the image unchanged with a notice when there is no face', async () => {
    const image = grey(64, 64);
    const noFace = retinaFaceDetector(async (input) => {
      const count = priorBoxes(input.dims[3], input.dims[2]).length / 4;
      const conf = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) conf[i * 2] = 1;
      return { loc: new Float32Array(count * 4), conf, landmarks: new Float32Array(count * 10) };
    });
    let restored = 0;
    const result = await restoreFaces(image, { detect: noFace, restore: async (t) => (restored++, t) });
    expect(result.notice).toMatch(/No face/);
    expect(restored).toBe(0);
    expect(Buffer.from(result.image.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it('upscales the background first and restores at the new size', async () => {
    const image = grey(128, 128);
    const doubled = async (img: RgbaImage) => grey(img.width * 2, img.height * 2, 40);
    const result = await restoreFaces(image, { detect: oneFaceDetector(0.125, 32, 32), restore: whiteRestorer }, { upscaleBackground: doubled });
    expect([result.image.width, result.image.height]).toEqual([256, 256]);
    // Face centre (template 256,256 → 64,64 at 1×) is at (128,128) after doubling.
    expect(result.image.data[(128 * 256 + 128) * 4]).toBe(255);
    expect(result.image.data[(250 * 256 + 250) * 4]).toBe(40);
  });
});
