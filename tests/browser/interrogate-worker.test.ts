// The interrogate worker in real Chromium, as the Interrogate page calls it, on the tiny fixtures
// imported through the models worker (catalog JSON + files, as a user imports them): captions
// (BLIP, CoCa), interrogation tables, aesthetic score and safety on WASM and then on WebGPU with
// matching results; the IndexedDB embedding cache (a second call embeds only the image); errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedImages, type ClipModel } from '../../src/pipelines/clip/embed.ts';
import { openSession } from '../../src/runtime/session.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { decodeImage } from '../../src/shared/image/decode.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import type { AestheticResult, CaptionResult, InterrogateApi, InterrogationTables, ModelsApi, SafetyVerdict } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { uniqueName } from '../servers/fixtures.ts';
import { referenceForward } from '../unit/predictor-fixtures.ts';
import { fixtureBytes, fixtureCatalog, NAMES, noisePng, TINY_PREDICTOR } from './interrogate-fixtures.ts';

const databases = uniqueName('interrogate-worker');
const host = new WorkerHost<{ models: ModelsApi; interrogate: InterrogateApi }>({
  spawners: {
    models: () => new Worker(new URL('../../src/workers/models.worker.ts', import.meta.url), { type: 'module', name: `models:${databases}` }),
    interrogate: () => new Worker(new URL('../../src/workers/interrogate.worker.ts', import.meta.url), { type: 'module', name: `interrogate:${databases}` }),
  },
  idleMs: 120_000,
});
const worker = host.client('interrogate');
let predictorWeights: Awaited<ReturnType<typeof fixtureCatalog>>['predictorWeights'];

const labels = {
  colours: ['red', 'green', 'blue', 'a photo of static'],
  moods: ['calm', 'busy', '<img src=x onerror=alert(1)>'],
};

beforeAll(async () => {
  const fixtures = await fixtureCatalog();
  predictorWeights = fixtures.predictorWeights;
  const sources = fixtures.files.map((file) => ({ file, name: file.name, path: file.name }));
  // The catalog first, on its own: in one batch the models worker would take BLIP's tokenizer
  // .json for a catalog, since the names it checks against are those known before the batch.
  await host.call('models', 'importFiles', [sources.slice(0, 1)]);
  const report = await host.call('models', 'importFiles', [sources.slice(1)]);
  expect(report.rejected).toEqual([]);
  expect(report.completed.map((c) => c.model).sort()).toEqual(Object.values(NAMES).sort());
}, 120_000);

afterAll(() => host.releaseAll());

describe('interrogate worker', () => {
  it('lists models per role, stored first, with the predictor naming its CLIP model', async () => {
    const roles = await worker.models();
    expect(roles.clip[0]).toMatchObject({ name: NAMES.clip, kind: 'clip', stored: true });
    expect(roles.clip.map((m) => m.name)).toEqual(expect.arrayContaining(['ViT-B/32', 'ViT-L/14']));
    expect(roles.caption.filter((m) => m.stored).map((m) => `${m.kind} ${m.name}`).sort()).toEqual([`blip ${NAMES.blip}`, `coca ${NAMES.coca}`]);
    expect(roles.caption.map((m) => m.name)).toEqual(expect.arrayContaining(['BLIP', 'coca_ViT-L-14']));
    expect(roles.predictor[0]).toMatchObject({ name: NAMES.predictor, stored: true, clipModel: NAMES.clip });
    expect(roles.safety[0]).toMatchObject({ name: NAMES.safety, kind: 'safety', stored: true });
    expect(Object.keys(await worker.defaultLabels())).toEqual(['mediums', 'flavors', 'artists', 'movements', 'sites', 'techniques', 'tags']);
  });

  const seen: Record<string, { blip: CaptionResult; coca: CaptionResult; tables: InterrogationTables; aesthetic: AestheticResult; safety: SafetyVerdict }> = {};

  // SwiftShader compiles every shader on the CPU: the first WebGPU runs take tens of seconds.
  it.each(['wasm', 'webgpu'] as const)('everything runs on %s', { timeout: 300_000 }, async (backend) => {
    await host.configure({ backend });
    const image = await noisePng(64, 48, 5);
    const steps: ProgressEvent[] = [];
    const short = { maxLength: 10, minLength: 3 };
    const blip = await host.call('interrogate', 'caption', [image, { model: NAMES.blip, preset: 'natailiBeam', generation: short }], { onProgress: (e) => steps.push(e) });
    const coca = await worker.caption(image, { model: NAMES.coca, preset: 'greedy', generation: short });
    const tables = await worker.interrogate(image, { model: NAMES.clip, labels, topCount: 3 });
    const aesthetic = await worker.aesthetic(image, NAMES.predictor);
    const safety = await worker.safety(image, NAMES.safety);
    const label = backend === 'wasm' ? 'WASM' : 'WebGPU';
    for (const result of [blip, coca, tables, safety]) expect(result.backend).toMatch(new RegExp(`^${label} fp32`));
    expect(steps.some((e) => e.kind === 'step')).toBe(true);
    expect(blip.kind).toBe('blip');
    expect(coca.kind).toBe('coca');
    expect(tables.tables.map((t) => t.name)).toEqual(['colours', 'moods']);
    expect(tables.tables[1]!.labels.map((l) => l.text)).toEqual(expect.arrayContaining(['<img src=x onerror=alert(1)>']));
    for (const table of tables.tables) expect(table.labels.reduce((sum, l) => sum + l.confidence, 0)).toBeLessThanOrEqual(100.0001);
    expect(aesthetic).toMatchObject({ model: NAMES.predictor, clipModel: NAMES.clip, architecture: 'custom' });
    expect(Number.isFinite(aesthetic.score)).toBe(true);
    const sessions = await worker.sessions();
    expect(sessions.filter((s) => s.backend === backend).length).toBeGreaterThanOrEqual(7);
    seen[backend] = { blip, coca, tables, aesthetic, safety };
  });

  it('WebGPU agrees with WASM: the same captions and verdict, scores within rounding', () => {
    const [cpu, gpu] = [seen['wasm']!, seen['webgpu']!];
    expect(gpu.blip.text).toBe(cpu.blip.text);
    expect(gpu.coca.text).toBe(cpu.coca.text);
    expect(gpu.safety.nsfw).toBe(cpu.safety.nsfw);
    expect(gpu.aesthetic.score).toBeCloseTo(cpu.aesthetic.score, 3);
    gpu.tables.tables.forEach((table, t) => {
      const other = cpu.tables.tables[t]!;
      for (const l of table.labels) expect(l.confidence).toBeCloseTo(other.labels.find((o) => o.text === l.text)?.confidence ?? -1, 1);
    });
  });

  it('the score is the MLP of the normalised CLIP embedding (embedded here, scored by the reference forward)', async () => {
    await host.configure({ backend: 'wasm' });
    const png = await noisePng(30, 30, 8);
    const result = await worker.aesthetic(png, NAMES.predictor);
    const vision = await openSession({ model: await fixtureBytes('clip-vision') }, { backend: 'wasm', precision: 'fp32', threads: 1, reason: 'test' });
    const model: ClipModel = { id: 'page', tokenizer: undefined as never, text: async () => ({}), vision: (feeds, signal) => vision.run(feeds, { signal }) };
    const [embedding] = await embedImages(model, [(await decodeImage(png)).image]);
    expect(result.score).toBeCloseTo(referenceForward(TINY_PREDICTOR, predictorWeights, Array.from(embedding!)), 4);
    await vision.release();
  });

  it('a second interrogation embeds only a new image, none of the labels; the same image, nothing', async () => {
    const first = await worker.interrogate(await noisePng(40, 40, 11), { model: NAMES.clip, labels });
    expect(first.embeddedLabels).toBe(0);
    expect(first.embeddedImage).toBe(true);
    const again = await worker.interrogate(await noisePng(40, 40, 11), { model: NAMES.clip, labels });
    expect(again).toMatchObject({ embeddedLabels: 0, embeddedImage: false });
    const more = await worker.interrogate(await noisePng(40, 40, 11), { model: NAMES.clip, labels: { ...labels, extra: ['one new label'] } });
    expect(more).toMatchObject({ embeddedLabels: 1, embeddedImage: false });
  });

  it('checkSafety blacks out what it flags, and analyze reports failed parts without losing the rest', async () => {
    const images = [await noisePng(20, 16, 1), await noisePng(24, 16, 2)];
    const checked = await worker.checkSafety(images, NAMES.safety);
    expect(checked.censored).toHaveLength(2);
    checked.images.forEach((image, i) => {
      expect(image.width).toBe(i === 0 ? 20 : 24);
      if (checked.censored[i]) expect(image.data.every((v, j) => v === (j % 4 === 3 ? 255 : 0))).toBe(true);
    });
    const report = await worker.analyze(images[0]!, { interrogate: { model: NAMES.clip, labels }, aesthetic: 'ViT-B/32', safety: NAMES.safety });
    expect(report.interrogation?.tables).toHaveLength(2);
    expect(report.safety?.model).toBe(NAMES.safety);
    expect(report.errors).toEqual([{ part: 'aesthetic', message: expect.stringMatching(/ViT-B\/32 is a clip model; this needs predictor/) }]);
  });

  it('says what is wrong with a model name, a preset or an image', async () => {
    const image = await noisePng(8, 8, 1);
    await expect(worker.caption(image, { model: 'nope' })).rejects.toThrow(/No model named "nope"/);
    await expect(worker.caption(image, { model: NAMES.clip })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(worker.caption(image, { model: NAMES.coca, preset: 'horde' })).rejects.toThrow(/not a COCA preset/);
    await expect(worker.interrogate(new Blob(['not an image']), { model: NAMES.clip, labels })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(worker.caption(image, { model: 'BLIP' })).rejects.toThrow(/not downloaded/);
  });
});
