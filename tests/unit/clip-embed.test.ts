// CLIP embeddings end to end on tiny ONNX models with real shapes (scripts/tiny-models/clip.ts),
// run by onnxruntime-web's wasm backend in Node: batching, normalisation, padding, id types.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClipText, buildClipVision } from '../../scripts/tiny-models/clip.ts';
import { embedImages, embedTexts, OPENAI_CLIP_TEXT, OPENCLIP_TEXT, type ClipModel, type ModelRun } from '../../src/pipelines/clip/embed.ts';
import { Interrogator } from '../../src/pipelines/clip/interrogate.ts';
import { CLIP_IMAGE_CONFIG } from '../../src/pipelines/clip/preprocess.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import { clipTokenizer, noise } from './clip-fixtures.ts';

/** What runtime's ModelSession.run does, minus backend choice: plain tensors in and out. */
function runner(session: ort.InferenceSession, counter: { runs: number }): ModelRun {
  return async (feeds) => {
    counter.runs++;
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
    const outputs = await session.run(ortFeeds);
    return Object.fromEntries(
      Object.entries(outputs).map(([name, t]) => [name, { type: t.type, dims: [...t.dims], data: t.data } as TensorData]),
    );
  };
}

const counter = { runs: 0 };
let model: ClipModel;
let int32Text: ModelRun;

beforeAll(async () => {
  const wasm = { executionProviders: ['wasm'] };
  const [vision, text, text32] = await Promise.all([
    ort.InferenceSession.create(buildClipVision({ imageSize: 32, patch: 8 }), wasm),
    ort.InferenceSession.create(buildClipText(), wasm),
    ort.InferenceSession.create(buildClipText({ idsType: 'int32' }), wasm),
  ]);
  model = {
    id: 'tiny-clip',
    vision: runner(vision, counter),
    text: runner(text, counter),
    tokenizer: clipTokenizer(),
    image: { ...CLIP_IMAGE_CONFIG, resize: { shortestEdge: 32 }, crop: { width: 32, height: 32 } },
  };
  int32Text = runner(text32, counter);
});

function expectClose(a: Float32Array, b: Float32Array, tolerance = 1e-5) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tolerance);
}

const norm = (v: Float32Array) => Math.hypot(...v);

describe('image embeddings', () => {
  it('are unit vectors, and a batch gives what one-by-one gives', async () => {
    const images = [noise(40, 30, 1), noise(30, 50, 2), noise(32, 32, 3)];
    const before = counter.runs;
    const batched = await embedImages(model, images, { batchSize: 2 });
    expect(counter.runs - before).toBe(2);
    expect(batched).toHaveLength(3);
    for (const [i, image] of images.entries()) {
      const [single] = await embedImages(model, [image]);
      expect(norm(batched[i]!)).toBeCloseTo(1, 5);
      expectClose(batched[i]!, single!);
    }
    expect(Math.abs(norm(batched[0]!.map((x, i) => x - batched[1]![i]!)))).toBeGreaterThan(1e-3);
  });

  it('reports a step per batch and stops when aborted', async () => {
    const events: ProgressEvent[] = [];
    await embedImages(model, [noise(8, 8, 1), noise(8, 8, 2), noise(8, 8, 3)], { batchSize: 1, onProgress: (e) => events.push(e) });
    expect(events).toEqual([1, 2, 3].map((index) => ({ kind: 'step', index, count: 3 })));
    const controller = new AbortController();
    controller.abort();
    await expect(embedImages(model, [noise(8, 8, 1)], { signal: controller.signal })).rejects.toThrow();
  });
});

describe('text embeddings', () => {
  const texts = ['a photo of a cat', 'an oil painting of a lighthouse at night', 'café 🐱'];

  it('are unit vectors, batched or not, and the same under EOS or zero padding', async () => {
    const eos = await embedTexts({ ...model, textConfig: OPENAI_CLIP_TEXT }, texts, { batchSize: 2 });
    const zero = await embedTexts({ ...model, textConfig: OPENCLIP_TEXT }, texts);
    for (let i = 0; i < texts.length; i++) {
      expect(norm(eos[i]!)).toBeCloseTo(1, 5);
      // Causal attention and pooling at the first end token: padding after it changes nothing.
      expectClose(eos[i]!, zero[i]!);
    }
  });

  it('feeds int32 ids to encoders exported that way (diffusers)', async () => {
    const [a] = await embedTexts(model, ['a red barn']);
    const [b] = await embedTexts({ ...model, text: int32Text, textConfig: { ...OPENAI_CLIP_TEXT, idsType: 'int32' } }, ['a red barn']);
    expectClose(a!, b!);
  });

  it('names a missing output instead of failing somewhere later', async () => {
    await expect(embedTexts({ ...model, io: { textEmbeds: 'pooled' } }, ['x'])).rejects.toThrow(/no output "pooled".*text_embeds/);
  });
});

describe('interrogation on the tiny model', () => {
  it('ranks label sets and reuses cached text embeddings', async () => {
    const interrogator = new Interrogator(model);
    const labels = { mediums: ['an oil painting', 'a photograph', 'pixel art'], flavors: ['moody', 'vibrant colors', 'foggy', 'sepia'] };
    const first = await interrogator.rank(noise(48, 48, 7), labels, { topCount: 2 });
    expect(Object.keys(first)).toEqual(['mediums', 'flavors']);
    for (const entries of Object.values(first)) {
      expect(entries).toHaveLength(2);
      expect(entries[0]!.confidence).toBeGreaterThanOrEqual(entries[1]!.confidence);
    }
    const before = counter.runs;
    await interrogator.rank(noise(48, 48, 8), labels);
    expect(counter.runs - before).toBe(1);
  });
});
