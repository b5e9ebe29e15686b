// Aesthetic-predictor training on the CPU backend: on synthetic embeddings rated by a known
// linear function it recovers the rating (held-out accuracy by nataili's ±0.5 rule); the export
// loads in the inference reader as the same network; ratings come from folders or sidecars.
import { describe, expect, it } from 'vitest';
import { AestheticMlp } from '../../src/pipelines/predictor/mlp.ts';
import { scoreEmbedding } from '../../src/pipelines/predictor/score.ts';
import { CpuBackend } from '../../src/pipelines/train/graph/cpu-backend.ts';
import { mulberry32, normals } from '../../src/pipelines/train/graph/random.ts';
import { HEADS, sequentialIndices } from '../../src/pipelines/train/predictor/architecture.ts';
import { exportPredictor } from '../../src/pipelines/train/predictor/export.ts';
import { embedRated, l2Normalized, ratedImages } from '../../src/pipelines/train/predictor/prepare.ts';
import { accurate, NATAILI_PREDICTOR, trainPredictor } from '../../src/pipelines/train/predictor/train.ts';

const D = 16;

function synthetic(count: number, seed: number, w: Float32Array) {
  const random = mulberry32(seed);
  const x = Array.from({ length: count }, () => l2Normalized(normals(random, D)));
  const y = x.map((v) => 5 + 8 * v.reduce((s, value, i) => s + value * w[i]!, 0));
  return { x, y };
}

describe('aesthetic predictor training', () => {
  it('recovers a known linear rating and exports what the predictor loads', { timeout: 120_000 }, async () => {
    const w = l2Normalized(normals(mulberry32(1), D));
    const { x, y } = synthetic(1200, 2, w);
    const layers = [
      { outputs: 64, relu: false, dropout: 0.2 },
      { outputs: 16, relu: false, dropout: 0 },
      { outputs: 1, relu: false, dropout: 0 },
    ];
    const epochs: number[] = [];
    const head = await trainPredictor(new CpuBackend(), x, y, { ...NATAILI_PREDICTOR, layers, epochs: 60 }, { onEpoch: (r) => epochs.push(r.valAccuracy) });
    const last = head.history[head.history.length - 1]!;
    console.log(`predictor: val loss ${head.history[0]!.valLoss.toFixed(3)} → ${last.valLoss.toFixed(4)}, best accuracy ${head.bestAccuracy} at epoch ${head.bestEpoch}`);
    expect(epochs).toHaveLength(60);
    expect(head.bestAccuracy).toBeGreaterThanOrEqual(0.95);
    const mlp = AestheticMlp.fromSafetensors(exportPredictor(head));
    expect(mlp.layers.map((l) => [l.outputs, l.relu])).toEqual([[64, false], [16, false], [1, false]]);
    const test = synthetic(200, 3, w);
    const hits = test.x.filter((v, i) => accurate(scoreEmbedding(mlp, v), test.y[i]!)).length;
    expect(hits / 200).toBeGreaterThanOrEqual(0.95);
  });

  it("writes nataili's Sequential indices, so the inference reader sees the MLP and H14 layouts", async () => {
    expect(sequentialIndices(HEADS.mlp)).toEqual([0, 2, 4, 6, 7]);
    expect(sequentialIndices(HEADS.h14)).toEqual([0, 3, 6, 9, 12, 15, 16]);
    const { x, y } = { x: Array.from({ length: 8 }, (_, i) => l2Normalized(normals(mulberry32(i), 768))), y: [1, 2, 3, 4, 5, 6, 7, 8] };
    const head = await trainPredictor(new CpuBackend(), x, y, { ...NATAILI_PREDICTOR, layers: HEADS.mlp, epochs: 1 });
    expect(AestheticMlp.fromSafetensors(exportPredictor(head)).architecture).toBe('mlp');
    expect(accurate(6.4, 6)).toBe(true);
    expect(accurate(7, 6.2)).toBe(true);
    expect(accurate(1, 1.9)).toBe(true);
    expect(accurate(4.6, 4)).toBe(false);
  });

  it('reads ratings from folder names or sidecars and embeds them normalised', async () => {
    const blob = (s: string) => new Blob([s]);
    const folders = await ratedImages(
      [
        { path: 'rated/7.5/a.jpg', file: blob('a') },
        { path: 'rated/2/b.png', file: blob('b') },
        { path: 'rated/great/c.png', file: blob('c') },
        { path: 'rated/d.webp', file: blob('d') },
      ],
      'directory',
    );
    expect(folders.images.map((i) => [i.path, i.rating])).toEqual([['rated/2/b.png', 2], ['rated/7.5/a.jpg', 7.5]]);
    expect(folders.skipped.map((s) => s.path)).toEqual(['rated/d.webp', 'rated/great/c.png']);
    const sidecars = await ratedImages(
      [
        { path: 'x/a.jpg', file: blob('a') },
        { path: 'x/a.txt', file: blob(' 6.25\n') },
        { path: 'x/b.jpg', file: blob('b') },
      ],
      'sidecar',
    );
    expect(sidecars.images.map((i) => i.rating)).toEqual([6.25]);
    expect(sidecars.skipped).toEqual([{ path: 'x/b.jpg', reason: 'no .txt rating' }]);
    const { x, y } = await embedRated(sidecars.images, async () => [3, 4]);
    expect([...x[0]!]).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(y).toEqual([6.25]);
  });
});
