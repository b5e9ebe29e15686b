// The safety checker pipeline on the tiny diffusers-layout fixture (scripts/tiny-models/
// safety-checker.ts) in onnxruntime-web's wasm backend: flags agree with the raw graph, flagged
// images become opaque black, the feeds have the export's layout; then the concept math by hand.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSafetyChecker } from '../../scripts/tiny-models/safety-checker.ts';
import type { ModelRun } from '../../src/pipelines/clip/embed.ts';
import { blackLike, checkSafety, imagesInput, isUnsafe, type SafetyModel } from '../../src/pipelines/safety/checker.ts';
import { conceptsFromJson, conceptVerdict } from '../../src/pipelines/safety/concepts.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import { noise, solid } from './clip-fixtures.ts';

function runner(session: ort.InferenceSession): ModelRun {
  return async (feeds) => {
    const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, dims: [...t.dims], data: t.data } as TensorData]));
  };
}

const wasm = { executionProviders: ['wasm'] };
let model: SafetyModel;
let raw: ort.InferenceSession;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  raw = await ort.InferenceSession.create(buildSafetyChecker(), wasm);
  model = { id: 'tiny-safety', run: runner(raw) };
});

/** The first seeds whose noise images the default fixture flags, and does not flag. */
async function oneOfEach(): Promise<{ flagged: RgbaImage; clean: RgbaImage }> {
  let flagged: RgbaImage | undefined;
  let clean: RgbaImage | undefined;
  for (let seed = 1; seed < 60 && !(flagged && clean); seed++) {
    const image = noise(40 + seed, 30, seed);
    if (await isUnsafe(model, image)) flagged ??= image;
    else clean ??= image;
  }
  if (!flagged || !clean) throw new Error('the fixture flagged all or none of 60 images: pick another threshold');
  return { flagged, clean };
}

describe('checkSafety on the diffusers-layout fixture', () => {
  it('blacks out flagged images (opaque, same size) and returns the others untouched, with a flag each', async () => {
    const { flagged, clean } = await oneOfEach();
    const events: ProgressEvent[] = [];
    const result = await checkSafety(model, [clean, flagged, clean], { onProgress: (e) => events.push(e) });
    expect(result.censored).toEqual([false, true, false]);
    expect(result.images[0]).toBe(clean);
    expect(result.images[1]).toEqual(blackLike(flagged));
    expect(result.images[1]!.width).toBe(flagged.width);
    expect(result.images[1]!.data.every((v, i) => v === (i % 4 === 3 ? 255 : 0))).toBe(true);
    expect(events).toEqual([1, 2, 3].map((index) => ({ kind: 'step', index, count: 3 })));
  });

  it('agrees with the graph run directly, and the graph zeroes exactly the flagged images', async () => {
    const { flagged, clean } = await oneOfEach();
    for (const image of [flagged, clean]) {
      const fed: Record<string, TensorData> = {};
      const recording: SafetyModel = { id: 'rec', run: async (feeds) => Object.assign(fed, feeds) && model.run(feeds) };
      const unsafe = await isUnsafe(recording, image);
      const out = await raw.run({ clip_input: new ort.Tensor('float32', fed['clip_input']!.data as Float32Array, fed['clip_input']!.dims), images: new ort.Tensor('float32', fed['images']!.data as Float32Array, fed['images']!.dims) });
      expect(Boolean((out['has_nsfw_concepts']!.data as Uint8Array)[0])).toBe(unsafe);
      const outImages = out['out_images']!.data as Float32Array;
      expect(outImages.every((v, i) => v === (unsafe ? 0 : (fed['images']!.data as Float32Array)[i]))).toBe(true);
    }
  });

  it('feeds clip_input [1,3,224,224] and images [1,H,W,3] in 0..1 (diffusers numpy layout)', async () => {
    const seen: Record<string, TensorData> = {};
    const image = solid(5, 3, [255, 51, 0]);
    await isUnsafe({ id: 'spy', run: async (feeds) => (Object.assign(seen, feeds), { has_nsfw_concepts: { type: 'bool', dims: [1], data: Uint8Array.of(0) } }) }, image);
    expect(seen['clip_input']!.dims).toEqual([1, 3, 224, 224]);
    expect(seen['images']!.dims).toEqual([1, 3, 5, 3]);
    expect(Array.from(seen['images']!.data as Float32Array).slice(0, 3)).toEqual([1, Math.fround(0.2), 0]);
    expect(imagesInput(image).data.length).toBe(45);
  });

  it('the threshold forces either verdict', async () => {
    const images = [noise(32, 32, 1), noise(24, 40, 2)];
    for (const [threshold, verdict] of [[1.1, false], [-1.1, true]] as const) {
      const session = await ort.InferenceSession.create(buildSafetyChecker({ threshold }), wasm);
      expect((await checkSafety({ id: `t${threshold}`, run: runner(session) }, images)).censored).toEqual([verdict, verdict]);
    }
  });

  it('names a missing output, and stops when aborted', async () => {
    const wrong: SafetyModel = { id: 'wrong', run: async () => ({ nsfw: { type: 'bool', dims: [1], data: Uint8Array.of(1) } }) };
    await expect(checkSafety(wrong, [noise(8, 8, 1)])).rejects.toThrow(/"has_nsfw_concepts" as one flag per image/);
    const controller = new AbortController();
    controller.abort();
    await expect(checkSafety(model, [noise(8, 8, 1)], { signal: controller.signal })).rejects.toThrow();
  });
});

describe('concept math (diffusers StableDiffusionSafetyChecker.forward), worked by hand', () => {
  const base = {
    conceptEmbeds: [
      [2, 0],
      [0, 1],
    ],
    conceptThresholds: [0.9, 0.5],
    specialEmbeds: [[0.6, 0.8]],
    specialThresholds: [0.7],
  };

  it('flags when a cosine passes its threshold (embeddings are normalised first)', () => {
    const v = conceptVerdict([3, 0], base);
    expect(v.unsafe).toBe(true);
    expect(v.conceptScores[0]).toBeCloseTo(0.1, 6);
    expect(v.conceptScores[1]).toBeCloseTo(-0.5, 6);
    expect(v.specialScores[0]).toBeCloseTo(-0.1, 6);
  });

  it('a special-care hit adds 0.01 to every concept score, which can tip the verdict', () => {
    // cos(image, concept 0) = 0.895: 0.005 short of its threshold without special care.
    const image = [0.895, Math.sqrt(1 - 0.895 ** 2)];
    const calm = conceptVerdict(image, { ...base, specialThresholds: [0.99] });
    expect(calm.unsafe).toBe(false);
    expect(calm.conceptScores[0]).toBeCloseTo(-0.005, 6);
    const careful = conceptVerdict(image, { ...base, specialThresholds: [0.5] });
    expect(careful.specialScores[0]! > 0).toBe(true);
    expect(careful.conceptScores[0]).toBeCloseTo(0.005, 6);
    expect(careful.unsafe).toBe(true);
  });

  it('reads the concepts JSON and names what is missing', () => {
    const json = { concept_embeds: base.conceptEmbeds, concept_embeds_weights: [0.9, 0.5], special_care_embeds: base.specialEmbeds, special_care_embeds_weights: [0.7] };
    expect(conceptsFromJson(json)).toEqual(base);
    expect(() => conceptsFromJson({ ...json, concept_embeds_weights: [0.9] })).toThrow('"concept_embeds_weights" as 2 numbers');
    expect(() => conceptsFromJson({})).toThrow('"concept_embeds" as a list of number lists');
  });
});
