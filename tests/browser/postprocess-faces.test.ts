// Face restoration in the post-process worker, in real Chromium, with catalog models: the tiny
// GFPGAN and CodeFormer fixtures (real 512² graphs, CodeFormer's fidelity a float64 input), a
// planted RetinaFace (one face exactly where the test put it, or none), imported as a user would
// import model files, and the ×2 ESRGAN fixture for the background. Checks the round trip:
// detection → alignment → restoration → paste back, and that nothing outside the face moves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/shared/image/decode.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import type { PostProcessResult, ProgressEvent, RestoreRequest } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { addCatalog, copyImage, entryFor, fixtureEntry, maxDiff, plantedRetinaFace, plantedYunet, testPicture } from './postprocess-helpers.ts';

const host = new WorkerHost({ idleMs: 120_000 });
const source = 'postprocess-faces-fixtures.json';
const SIZE = 128;
// The FFHQ template at 0.15 scale placed at (20, 20): the 512² crop covers (20..97)² of the image.
const face = { scale: 0.15, x: 20, y: 20 };
const cropEnd = face.x + 512 * face.scale;

async function restore(image: RgbaImage, request: RestoreRequest, onProgress?: (e: ProgressEvent) => void): Promise<PostProcessResult> {
  return host.call('postprocess', 'restoreFaces', [copyImage(image), request], { onProgress });
}

async function pixelsOf(result: PostProcessResult): Promise<RgbaImage> {
  return result.pixels ?? (await decodeImage(result.png!)).image;
}

/** Largest change outside the square the face crop covers (plus a pixel for the bilinear edge). */
function changeOutsideFace(a: RgbaImage, b: RgbaImage, scale = 1): number {
  let worst = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const inside = x >= (face.x - 1) * scale && x <= (cropEnd + 1) * scale && y >= (face.y - 1) * scale && y <= (cropEnd + 1) * scale;
      if (inside) continue;
      const i = (y * a.width + x) * 4;
      for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(a.data[i + c]! - b.data[i + c]!));
    }
  }
  return worst;
}

/** Mean absolute change over the face's centre (the eyes, nose and mouth), RGB. */
function changeInFace(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  let n = 0;
  for (let y = 45; y < 75; y++) {
    for (let x = 45; x < 75; x++) {
      for (let c = 0; c < 3; c++, n++) sum += Math.abs(a.data[(y * a.width + x) * 4 + c]! - b.data[(y * a.width + x) * 4 + c]!);
    }
  }
  return sum / n;
}

const picture = testPicture(SIZE, SIZE);

beforeAll(async () => {
  const retinaOutputs = ['loc', 'conf', 'landms'];
  const yunetOutputs = [8, 16, 32].flatMap((s) => [`cls_${s}`, `obj_${s}`, `bbox_${s}`, `kps_${s}`]);
  const planted = (name: string, bytes: Uint8Array<ArrayBuffer>, outputs = retinaOutputs) =>
    entryFor(name, 'face_detector', bytes, `${location.origin}/tests/planted/${name}.onnx`, { inputs: ['input'], outputs });
  const oneFace = plantedRetinaFace(SIZE, SIZE, face) as Uint8Array<ArrayBuffer>;
  const noFace = plantedRetinaFace(SIZE, SIZE, null) as Uint8Array<ArrayBuffer>;
  const yunet = plantedYunet(face) as Uint8Array<ArrayBuffer>;
  const added = await addCatalog(host, source, [
    await fixtureEntry('fixture-gfpgan', 'gfpgan', 'gfpgan', { inputs: ['input'], outputs: ['output'] }),
    await fixtureEntry('fixture-codeformer', 'codeformer', 'codeformer', { inputs: ['x', 'w'], outputs: ['y'] }),
    await fixtureEntry('fixture-esrgan-x2-bg', 'esrgan', 'esrgan-x2', { inputs: ['input'], outputs: ['output'] }),
    await planted('planted-one-face', oneFace),
    await planted('planted-no-face', noFace),
    await planted('planted-yunet', yunet, yunetOutputs),
  ]);
  expect(added).toHaveLength(6);
  // Restorers and upscaler download from the test server; the planted detectors are imported files.
  for (const name of ['fixture-gfpgan', 'fixture-codeformer', 'fixture-esrgan-x2-bg']) await host.call('postprocess', 'download', [name]);
  const files = [
    { file: new File([oneFace], 'planted-one-face.onnx'), name: 'planted-one-face.onnx', path: 'planted-one-face.onnx' },
    { file: new File([noFace], 'planted-no-face.onnx'), name: 'planted-no-face.onnx', path: 'planted-no-face.onnx' },
    { file: new File([yunet], 'planted-yunet.onnx'), name: 'planted-yunet.onnx', path: 'planted-yunet.onnx' },
  ];
  const imported = await host.call('models', 'importFiles', [files]);
  expect(imported.rejected).toEqual([]);
  await host.configure({ backend: 'wasm' });
});

afterAll(async () => {
  await host.call('models', 'removeCatalog', [source]);
  host.releaseAll();
});

describe('face restoration with catalog models', () => {
  it('lists the catalog restorers and detectors beside the bundled ones', async () => {
    const models = await host.call('postprocess', 'models', []);
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(byName.get('fixture-gfpgan')).toMatchObject({ type: 'gfpgan', stored: true, builtin: false });
    expect(byName.get('fixture-codeformer')).toMatchObject({ type: 'codeformer', stored: true });
    expect(byName.get('planted-one-face')).toMatchObject({ type: 'face_detector', stored: true });
    expect(byName.get('YuNet')).toMatchObject({ type: 'face_detector' });
  });

  it('restores the planted face with GFPGAN and leaves the rest of the image untouched', async () => {
    const events: ProgressEvent[] = [];
    const result = await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-one-face', strength: 1 }, (e) => events.push(e));
    expect(result).toMatchObject({ faces: 1, width: SIZE, height: SIZE, notices: [], backend: 'wasm', tiles: 0 });
    expect(events.filter((e) => e.kind === 'step')).toEqual([{ kind: 'step', index: 1, count: 1 }]);
    expect(events.at(-1)).toEqual({ kind: 'done' });
    const restored = await pixelsOf(result);
    expect(changeOutsideFace(restored, picture)).toBe(0);
    const full = changeInFace(restored, picture);
    expect(full).toBeGreaterThan(1);

    // Strength blends: 0 keeps the face (up to the warp's resampling), 0.5 lands in between.
    const none = changeInFace(await pixelsOf(await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-one-face', strength: 0 })), picture);
    const half = changeInFace(await pixelsOf(await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-one-face', strength: 0.5 })), picture);
    expect(none).toBeLessThan(full / 4);
    expect(half).toBeGreaterThan(none);
    expect(half).toBeLessThan(full);
  });

  it('hands CodeFormer its fidelity: w = 0 and w = 1 give different faces, the same background', async () => {
    const quality = await restore(picture, { model: 'fixture-codeformer', detector: 'planted-one-face', fidelity: 0, output: 'rgba' });
    const identity = await restore(picture, { model: 'fixture-codeformer', detector: 'planted-one-face', fidelity: 1, output: 'rgba' });
    expect([quality.faces, identity.faces]).toEqual([1, 1]);
    expect(changeInFace(quality.pixels!, identity.pixels!)).toBeGreaterThan(0.5);
    expect(changeOutsideFace(quality.pixels!, picture)).toBe(0);
    expect(changeOutsideFace(identity.pixels!, picture)).toBe(0);
  });

  it('pads the image to a YuNet export\'s fixed 640×640 input and finds the same face', async () => {
    const viaYunet = await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-yunet', output: 'rgba' });
    const viaRetina = await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-one-face', output: 'rgba' });
    expect(viaYunet.faces).toBe(1);
    expect(changeOutsideFace(viaYunet.pixels!, picture)).toBe(0);
    expect(maxDiff(viaYunet.pixels!, viaRetina.pixels!)).toBeLessThanOrEqual(1);
  });

  it('gives an image with no face back unchanged, with a notice', async () => {
    const result = await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-no-face' });
    expect(result.faces).toBe(0);
    expect(result.notices).toEqual(['No face was found, so the image is unchanged.']);
    expect(maxDiff(await pixelsOf(result), picture)).toBe(0);
  });

  it('upscales the background with ESRGAN and restores the face at the new size', async () => {
    const result = await restore(picture, { model: 'fixture-gfpgan', detector: 'planted-one-face', upscaler: 'fixture-esrgan-x2-bg', tileSize: 64, output: 'rgba' });
    expect(result).toMatchObject({ width: 2 * SIZE, height: 2 * SIZE, faces: 1, tiles: 4, largestTile: [96, 96] });
    const background = await host.call('postprocess', 'upscale', [copyImage(picture), { model: 'fixture-esrgan-x2-bg', tileSize: 64, output: 'rgba' }]);
    expect(changeOutsideFace(result.pixels!, background.pixels!, 2)).toBe(0);
    expect(maxDiff(result.pixels!, background.pixels!)).toBeGreaterThan(0);
  });

  it('runs CodeFormer (float64 fidelity included) on WebGPU as on WASM', async () => {
    const wasm = await restore(picture, { model: 'fixture-codeformer', detector: 'planted-one-face', fidelity: 0.7, output: 'rgba' });
    await host.configure({ backend: 'webgpu' });
    try {
      const gpu = await restore(picture, { model: 'fixture-codeformer', detector: 'planted-one-face', fidelity: 0.7, output: 'rgba' });
      expect(gpu).toMatchObject({ backend: 'webgpu', faces: 1 });
      expect(maxDiff(gpu.pixels!, wasm.pixels!)).toBeLessThanOrEqual(2);
    } finally {
      await host.configure({ backend: 'wasm' });
    }
  }, 120_000);
});
