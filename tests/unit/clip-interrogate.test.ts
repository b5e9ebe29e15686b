// The Interrogator with fake models that count their runs: rank and similarity over label sets,
// and the IndexedDB embedding cache (fake-indexeddb) proving a second interrogation only embeds
// the image — and a repeated image nothing at all, even after a "reload".
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbEmbeddingCache, MemoryEmbeddingCache, pixelKey, textKey } from '../../src/pipelines/clip/cache.ts';
import type { ClipModel, ModelRun } from '../../src/pipelines/clip/embed.ts';
import { Interrogator } from '../../src/pipelines/clip/interrogate.ts';
import { defaultLabelSets, LABEL_SET_NAMES, parseLabelList } from '../../src/pipelines/clip/labels/index.ts';
import { CLIP_IMAGE_CONFIG, preprocessImages } from '../../src/pipelines/clip/preprocess.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import { clipTokenizer, noise, solid } from './clip-fixtures.ts';

const DIM = 3;

/**
 * Text model: decodes each row of ids back to its label and returns that label's vector (unknown
 * labels get a vector from a hash of the text). Vision model: the mean colour as a 3-vector.
 * Both count calls and rows.
 */
function fakeModel(id: string, vectors: Record<string, number[]> = {}) {
  const tokenizer = clipTokenizer();
  const counts = { vision: 0, text: 0, textRows: 0, imageRows: 0 };
  const text: ModelRun = async (feeds) => {
    counts.text++;
    const ids = feeds['input_ids']!;
    const [rows, length] = ids.dims as [number, number];
    counts.textRows += rows;
    const out = new Float32Array(rows * DIM);
    for (let r = 0; r < rows; r++) {
      const row = Array.from((ids.data as BigInt64Array).slice(r * length, (r + 1) * length), Number);
      const label = tokenizer.decode(row);
      let h = 7;
      for (const c of label) h = (h * 31 + c.charCodeAt(0)) % 1009;
      // Unnormalised on purpose: the pipeline must normalise.
      out.set((vectors[label] ?? [1 + (h % 7), 1 + (h % 5), 1 + (h % 3)]).map((v) => v * 5), r * DIM);
    }
    return { text_embeds: { type: 'float32', dims: [rows, DIM], data: out } satisfies TensorData };
  };
  const vision: ModelRun = async (feeds) => {
    counts.vision++;
    const pixels = feeds['pixel_values']!;
    const [n, c, h, w] = pixels.dims as [number, number, number, number];
    counts.imageRows += n;
    const out = new Float32Array(n * DIM);
    const data = pixels.data as Float32Array;
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let p = 0; p < h * w; p++) sum += data[((i * c + ch) * h * w) + p]!;
        out[i * DIM + ch] = sum / (h * w) + 3;
      }
    }
    return { image_embeds: { type: 'float32', dims: [n, DIM], data: out } satisfies TensorData };
  };
  const model: ClipModel = { id, vision, text, tokenizer, image: { ...CLIP_IMAGE_CONFIG, resize: { shortestEdge: 16 }, crop: { width: 16, height: 16 } } };
  return { model, counts };
}

describe('rank and similarity through the Interrogator', () => {
  it('ranks each set by softmax(100 · cos) with the values worked out by hand', async () => {
    // The image embedding is fixed by a fake vision model returning [1, 0, 0].
    const { model } = fakeModel('hand', {
      red: [0.3, Math.sqrt(1 - 0.09), 0],
      green: [0.29, Math.sqrt(1 - 0.29 ** 2), 0],
      blue: [0.1, Math.sqrt(0.99), 0],
      square: [0.5, 0, Math.sqrt(0.75)],
      round: [0.5, 0, Math.sqrt(0.75)],
    });
    model.vision = async () => ({ image_embeds: { type: 'float32', dims: [1, 3], data: new Float32Array([2, 0, 0]) } });
    const interrogator = new Interrogator(model);
    const z = 1 + Math.exp(-1) + Math.exp(-20);
    const result = await interrogator.interrogate(solid(8, 8, [0, 0, 0]), {
      labels: { colour: ['red', 'green', 'blue'], shape: ['square', 'round'] },
      rank: true,
      similarity: true,
      topCount: 2,
    });
    expect(result.rank!['colour']).toEqual([
      { text: 'red', confidence: expect.closeTo(100 / z, 4) },
      { text: 'green', confidence: expect.closeTo((100 * Math.exp(-1)) / z, 4) },
    ]);
    // Equal cosines split the probability evenly.
    expect(result.rank!['shape']!.map((e) => e.confidence)).toEqual([expect.closeTo(50, 4), expect.closeTo(50, 4)]);
    expect(result.similarity!.map((e) => e.text)).toEqual(['square', 'round', 'red', 'green', 'blue']);
    expect(result.similarity![2]!.similarity).toBeCloseTo(0.3, 6);
  });

  it('treats a plain list as the set "default"', async () => {
    const { model } = fakeModel('list');
    const ranked = await new Interrogator(model).rank(solid(8, 8, [10, 200, 30]), ['a', 'b', 'c'], { topCount: 3 });
    expect(Object.keys(ranked)).toEqual(['default']);
    expect(ranked['default']!.reduce((s, e) => s + e.confidence, 0)).toBeCloseTo(100, 4);
  });

  it('refuses a request for neither rank nor similarity, and empty label sets', async () => {
    const { model } = fakeModel('bad');
    const interrogator = new Interrogator(model);
    await expect(interrogator.interrogate(solid(4, 4, [0, 0, 0]), { rank: false })).rejects.toThrow(/rank, similarity or both/);
    await expect(interrogator.rank(solid(4, 4, [0, 0, 0]), [])).rejects.toThrow(/no labels/);
  });
});

describe('embedding cache (IndexedDB)', () => {
  const labels = { colours: ['red', 'green', 'blue', 'cyan', 'magenta'], things: ['cat', 'dog', 'car', 'red'] };

  it('embeds labels once; a second image costs one vision run; a repeated image costs nothing', async () => {
    const { model, counts } = fakeModel('vit-test');
    const cache = new IdbEmbeddingCache('test-a');
    await cache.clear();
    const interrogator = new Interrogator(model, { cache });

    const first = await interrogator.rank(noise(20, 20, 1), labels, { batchSize: 3 });
    // 8 distinct labels ("red" is in both sets) in batches of 3 → 3 text runs.
    expect(counts).toEqual({ vision: 1, text: 3, textRows: 8, imageRows: 1 });

    await interrogator.rank(noise(20, 20, 2), labels, { batchSize: 3 });
    expect(counts).toEqual({ vision: 2, text: 3, textRows: 8, imageRows: 2 });

    const again = await interrogator.rank(noise(20, 20, 1), labels, { batchSize: 3 });
    expect(counts.vision).toBe(2);
    expect(again).toEqual(first);

    // A new label embeds just that label.
    await interrogator.rank(noise(20, 20, 1), { ...labels, extra: ['violet'] });
    expect(counts).toMatchObject({ vision: 2, text: 4, textRows: 9 });
  });

  it('survives a reload: a fresh interrogator over the same database runs no model at all', async () => {
    const before = fakeModel('vit-reload');
    const cacheA = new IdbEmbeddingCache('test-b');
    await cacheA.clear();
    const expected = await new Interrogator(before.model, { cache: cacheA }).rank(noise(20, 20, 5), labels);

    const after = fakeModel('vit-reload');
    const result = await new Interrogator(after.model, { cache: new IdbEmbeddingCache('test-b') }).rank(noise(20, 20, 5), labels);
    expect(after.counts).toEqual({ vision: 0, text: 0, textRows: 0, imageRows: 0 });
    expect(result).toEqual(expected);
  });

  it('keys by model: another model misses', async () => {
    const cache = new IdbEmbeddingCache('test-c');
    await cache.clear();
    const a = fakeModel('model-a');
    const b = fakeModel('model-b');
    await new Interrogator(a.model, { cache }).rank(noise(20, 20, 9), labels);
    await new Interrogator(b.model, { cache }).rank(noise(20, 20, 9), labels);
    expect(b.counts).toMatchObject({ vision: 1, textRows: 8 });
  });

  it('keys are model + sha256 of the text or of the preprocessed pixels', async () => {
    // sha256("red"), a known digest.
    expect(await textKey('m', 'red')).toBe('m|text|b1f51a511f1da0cd348b8f8598db32e61cb963e5fc69e2b41485bf99590ed75a');
    const tensor = preprocessImages([noise(20, 20, 3)], CLIP_IMAGE_CONFIG);
    const key = await pixelKey('m', tensor);
    expect(key).toMatch(/^m\|image\|1x3x224x224\|[0-9a-f]{64}$/);
    // The same pixels in a bigger buffer (a view) hash the same.
    const padded = new Float32Array(tensor.data.length + 8);
    padded.set(tensor.data, 4);
    expect(await pixelKey('m', { data: padded.subarray(4, 4 + tensor.data.length), dims: tensor.dims })).toBe(key);
  });

  it('the memory cache behaves the same and copies what it stores', async () => {
    const cache = new MemoryEmbeddingCache();
    const v = new Float32Array([1, 2]);
    await cache.put('k', v);
    v[0] = 9;
    expect(Array.from((await cache.get('k'))!)).toEqual([1, 2]);
    expect(await cache.getMany(['k', 'missing'])).toEqual([new Float32Array([1, 2]), undefined]);
  });
});

describe('default label sets', () => {
  it("has nataili's seven sets, a few hundred labels, no repeats within a set", () => {
    const sets = defaultLabelSets();
    expect(Object.keys(sets)).toEqual([...LABEL_SET_NAMES]);
    const total = Object.values(sets).reduce((n, list) => n + list.length, 0);
    expect(total).toBeGreaterThan(300);
    for (const list of Object.values(sets)) expect(new Set(list).size).toBe(list.length);
  });

  it('hands out copies that the user may edit', () => {
    const mine = defaultLabelSets();
    mine.tags.push('my label');
    expect(defaultLabelSets().tags).not.toContain('my label');
    expect(parseLabelList(' cat \n\n dog\r\ncat\n')).toEqual(['cat', 'dog']);
  });
});
