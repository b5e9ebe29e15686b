// The aesthetic predictor's MLP against an independent reference forward pass, on weights
// generated here in nataili's three layouts (MLP for ViT-L/14 and ViT-H-14, H14_MLP, H14_MLP_2),
// then the score of an image through the Interrogator's cached embedding.
import { describe, expect, it } from 'vitest';
import { Interrogator } from '../../src/pipelines/clip/interrogate.ts';
import type { ClipModel } from '../../src/pipelines/clip/embed.ts';
import { CLIP_IMAGE_CONFIG } from '../../src/pipelines/clip/preprocess.ts';
import { AestheticMlp } from '../../src/pipelines/predictor/mlp.ts';
import { aestheticScore, scoreEmbedding } from '../../src/pipelines/predictor/score.ts';
import { clipTokenizer, noise } from './clip-fixtures.ts';
import { H14_MLP, H14_MLP_2, layoutWeights, natailiMlp, referenceForward, stateDict, unitVector, writeSafetensors, type Layout } from './predictor-fixtures.ts';

const layouts: [string, Layout, string][] = [
  ['MLP 768 (ViT-L/14)', natailiMlp(768), 'mlp'],
  ['MLP 1024 (ViT-H-14)', natailiMlp(1024), 'mlp'],
  ['H14_MLP', H14_MLP, 'h14'],
  ['H14_MLP_2', H14_MLP_2, 'h14-2'],
];

describe('nataili MLP layouts from safetensors', () => {
  it.each(layouts)('%s matches the reference forward pass', (_, layout, architecture) => {
    const weights = layoutWeights(layout, 7);
    const mlp = AestheticMlp.fromSafetensors(writeSafetensors(stateDict(layout, weights)));
    expect(mlp.architecture).toBe(architecture);
    expect(mlp.inputSize).toBe(layout.widths[0]);
    expect(mlp.layers.map((l) => l.relu)).toEqual(layout.relu);
    // The big layouts cost seconds per pass in plain JS: one input is enough for them.
    for (const seed of layout.widths.length > 6 ? [1] : [1, 2, 3]) {
      const x = unitVector(layout.widths[0]!, seed);
      const expected = referenceForward(layout, weights, x);
      expect(Math.abs(mlp.predict(x) - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
    }
  });

  it('the H14 ReLUs change the result on these weights (so the test above checks them)', () => {
    const weights = layoutWeights(H14_MLP, 7);
    const x = unitVector(1024, 1);
    expect(Math.abs(referenceForward(H14_MLP, weights, x, true) - referenceForward(H14_MLP, weights, x, false))).toBeGreaterThan(1e-3);
  });

  it('takes a key prefix ("model.") and half-precision weights', () => {
    const layout = natailiMlp(768);
    const weights = layoutWeights(layout, 3);
    const x = unitVector(768, 9);
    const full = AestheticMlp.fromSafetensors(writeSafetensors(stateDict(layout, weights, 'F32', 'model.')));
    const half = AestheticMlp.fromSafetensors(writeSafetensors(stateDict(layout, weights, 'F16')));
    const expected = referenceForward(layout, weights, x);
    expect(full.predict(x)).toBeCloseTo(expected, 9);
    expect(half.predict(x)).toBeCloseTo(expected, 2);
  });

  it('follows explicit ReLU flags over the key gaps', () => {
    const layout = natailiMlp(768);
    const weights = layoutWeights(layout, 3);
    const mlp = AestheticMlp.fromSafetensors(writeSafetensors(stateDict(layout, weights)), { relu: [true, true, true, true, false] });
    expect(mlp.architecture).toBe('custom');
    const x = unitVector(768, 4);
    expect(mlp.predict(x)).toBeCloseTo(referenceForward({ ...layout, relu: [true, true, true, true, false] }, weights, x), 9);
  });

  it('explains files that are not a predictor, broken chains and wrong embedding sizes', () => {
    const layout = natailiMlp(768);
    const dict = stateDict(layout, layoutWeights(layout, 1));
    expect(() => AestheticMlp.fromSafetensors(writeSafetensors({ 'visual.proj': dict['layers.0.bias']! }))).toThrow(/No "layers.<n>.weight" tensors .* visual.proj/);
    const { ['layers.4.bias']: _dropped, ...noBias } = dict;
    expect(() => AestheticMlp.fromSafetensors(writeSafetensors(noBias))).toThrow('layers.4 lacks its bias');
    const { ['layers.2.weight']: _w, ['layers.2.bias']: _b, ...gap } = dict;
    expect(() => AestheticMlp.fromSafetensors(writeSafetensors(gap))).toThrow('Layer 0 gives 1024 values but layer 1 takes 128');
    const mlp = AestheticMlp.fromSafetensors(writeSafetensors(dict));
    expect(() => mlp.predict(new Float32Array(512))).toThrow(/takes 768-value CLIP embeddings; got 512/);
  });
});

describe('scoring an image', () => {
  it('normalises the embedding as nataili does: its length does not change the score', () => {
    const layout = natailiMlp(768);
    const mlp = AestheticMlp.fromSafetensors(writeSafetensors(stateDict(layout, layoutWeights(layout, 5))));
    const x = unitVector(768, 2);
    expect(scoreEmbedding(mlp, x.map((v) => v * 7))).toBeCloseTo(scoreEmbedding(mlp, x), 5);
  });

  it('embeds through the Interrogator, so a second score of the same image runs no model', async () => {
    const layout = natailiMlp(768);
    const weights = layoutWeights(layout, 5);
    const mlp = AestheticMlp.fromSafetensors(writeSafetensors(stateDict(layout, weights)));
    const direction = unitVector(768, 11);
    let visionRuns = 0;
    const model: ClipModel = {
      id: 'fake-L14',
      tokenizer: clipTokenizer(),
      image: { ...CLIP_IMAGE_CONFIG, resize: { shortestEdge: 8 }, crop: { width: 8, height: 8 } },
      text: async () => ({}),
      vision: async () => {
        visionRuns++;
        return { image_embeds: { type: 'float32', dims: [1, 768], data: Float32Array.from(direction, (v) => v * 3) } };
      },
    };
    const interrogator = new Interrogator(model);
    const image = noise(20, 12, 3);
    const first = await aestheticScore(interrogator, mlp, image);
    const second = await aestheticScore(interrogator, mlp, image);
    expect(first).toEqual({ score: second.score, clipModel: 'fake-L14' });
    expect(visionRuns).toBe(1);
    expect(first.score).toBeCloseTo(referenceForward(layout, weights, direction), 5);
  });
});
