// The generate worker in real Chromium on the tiny fixtures, handed over as files: every mode
// (txt2img, img2img, both kinds of inpainting, depth2img, the x4 upscaler) on WASM and on WebGPU
// with matching pictures, same seed same bytes, cancel between steps, LoRA and the safety hook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/shared/errors.ts';
import type { ProgressEvent } from '../../src/shared/progress.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import type { GenerateApi, GenerateJob } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { kohyaLora, picture, sdFiles, unetWithModuleNames, upscalerFiles } from './generate-fixtures.ts';

const host = new WorkerHost<{ generate: GenerateApi }>({
  spawners: { generate: () => new Worker(new URL('../../src/workers/generate.worker.ts', import.meta.url), { type: 'module', name: 'generate:generate-test' }) },
  idleMs: 300_000,
});
const worker = host.client('generate', { transfer: 'none' });

beforeAll(async () => {
  expect(await worker.useFiles('tiny', await sdFiles())).toMatchObject({ kind: 'txt2img', local: true, ready: true });
  expect(await worker.useFiles('tiny-inpaint', await sdFiles('sd-unet-inpaint'))).toMatchObject({ kind: 'inpainting' });
  expect(await worker.useFiles('tiny-depth', await sdFiles('sd-unet-depth'))).toMatchObject({ kind: 'depth' });
  expect(await worker.useFiles('tiny-x4', await upscalerFiles())).toMatchObject({ kind: 'upscaler' });
}, 120_000);

afterAll(() => host.releaseAll());

const base = { prompt: 'a photo of a cat ### blurry', width: 64, height: 64, seed: 11, steps: 2, sampler: 'k_euler', safetyCheck: false } as const;

function maxDiff(a: RgbaImage, b: RgbaImage): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

const same = (a: RgbaImage, b: RgbaImage) => a.data.length === b.data.length && a.data.every((v, i) => v === b.data[i]);

const jobs: Record<string, GenerateJob> = {
  txt2img: { ...base, model: 'tiny' },
  img2img: { ...base, model: 'tiny', initImage: picture(64, 64), denoisingStrength: 0.7, steps: 3 },
  inpaintMasked: { ...base, model: 'tiny', initImage: picture(64, 64, true), maskMode: 'alpha', sampler: 'DDIM', steps: 3 },
  inpaintModel: { ...base, model: 'tiny-inpaint', initImage: picture(64, 64), maskImage: picture(64, 64, true), maskMode: 'invert' },
  depth2img: { ...base, model: 'tiny-depth', initImage: picture(64, 64), depthSize: 32, denoisingStrength: 0.8, steps: 3 },
};

describe('generate worker', () => {
  const results: Record<string, Record<string, RgbaImage>> = { wasm: {}, webgpu: {} };

  // SwiftShader compiles every shader on the CPU: the first WebGPU runs take a while.
  it.each(['wasm', 'webgpu'] as const)('runs every mode on %s', { timeout: 300_000 }, async (backend) => {
    for (const [name, job] of Object.entries(jobs)) {
      const events: ProgressEvent[] = [];
      const result = await host.call('generate', 'generate', [{ ...job, backend }], { onProgress: (e) => events.push(e), transfer: 'none' });
      expect(result.backend, name).toBe(backend);
      expect(result.mode, name).toBe(name.startsWith('inpaint') ? 'inpainting' : name);
      expect(result.images[0]!.image.width).toBe(64);
      expect(events.some((e) => e.kind === 'step'), name).toBe(true);
      expect(events.find((e) => e.kind === 'preview'), name).toMatchObject({ width: 8, height: 8 });
      results[backend]![name] = result.images[0]!.image;
    }
    const up = await worker.upscale({ model: 'tiny-x4', image: picture(16, 16), prompt: 'a cat', steps: 2, sampler: 'k_euler', seed: 3, noiseLevel: 20, backend });
    expect([up.image.width, up.image.height, up.backend]).toEqual([64, 64, backend]);
    results[backend]!['x4'] = up.image;
    if (backend === 'webgpu') {
      // The same graphs on two backends: pictures agree up to float rounding through a few steps.
      for (const name of Object.keys(results['wasm']!)) expect(maxDiff(results['wasm']![name]!, results['webgpu']![name]!), name).toBeLessThanOrEqual(3);
    }
  });

  it('gives the same bytes for the same seed (wasm and webgpu), different ones for the next seed', { timeout: 180_000 }, async () => {
    const a = await worker.generate({ ...jobs['txt2img']!, backend: 'wasm', batchSize: 2 });
    const b = await worker.generate({ ...jobs['txt2img']!, backend: 'wasm', seed: 12 });
    expect(a.images.map((i) => i.seed)).toEqual([11, 12]);
    expect(same(a.images[1]!.image, b.images[0]!.image)).toBe(true);
    expect(same(a.images[0]!.image, a.images[1]!.image)).toBe(false);
    const gpu = [await worker.generate({ ...jobs['txt2img']!, backend: 'webgpu' }), await worker.generate({ ...jobs['txt2img']!, backend: 'webgpu' })];
    expect(same(gpu[0]!.images[0]!.image, gpu[1]!.images[0]!.image)).toBe(true);
  });

  it('stops between steps when cancelled, then runs the next job', { timeout: 120_000 }, async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const job = host.call('generate', 'generate', [{ ...jobs['txt2img']!, backend: 'wasm', steps: 30 }], {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind !== 'step') return;
        steps.push(e.index);
        if (e.index === 2) controller.abort();
      },
    });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
    expect(steps.length).toBeLessThan(30);
    const next = await worker.generate({ ...jobs['txt2img']!, backend: 'wasm' });
    expect(next.images).toHaveLength(1);
  });

  it('runs the safety checker when asked: flags come back black with censored set', { timeout: 120_000 }, async () => {
    const result = await worker.generate({ ...jobs['txt2img']!, backend: 'wasm', batchSize: 2, safetyCheck: true });
    for (const image of result.images) {
      if (image.censored) expect(image.image.data.every((v, i) => v === (i % 4 === 3 ? 255 : 0))).toBe(true);
    }
    expect(result.images.map((i) => typeof i.censored)).toEqual(['boolean', 'boolean']);
  });

  it('merges a LoRA into the UNet at a strength, and reloads clean weights without it', { timeout: 120_000 }, async () => {
    const unet = await unetWithModuleNames();
    const files = (await sdFiles()).map((f) => (f.name === 'unet.onnx' ? { name: f.name, data: unet.data } : f));
    await worker.useFiles('tiny-named', files);
    const info = await worker.addLora('style', kohyaLora(unet.key, unet.dims[0], unet.dims[1]));
    expect(info).toMatchObject({ unetModules: 1, textEncoderModules: 0, ignored: [] });
    const job = { ...jobs['txt2img']!, model: 'tiny-named', backend: 'wasm' } as const;
    const plain = await worker.generate(job);
    const styled = await worker.generate({ ...job, loras: [{ name: 'style', strength: 1 }] });
    expect(styled.lora).toEqual({ merged: 1, skipped: [] });
    expect(same(plain.images[0]!.image, styled.images[0]!.image)).toBe(false);
    const half = await worker.generate({ ...job, loras: [{ name: 'style', strength: 0.5 }] });
    expect(maxDiff(half.images[0]!.image, plain.images[0]!.image)).toBeGreaterThan(0);
    const again = await worker.generate(job);
    expect(same(plain.images[0]!.image, again.images[0]!.image)).toBe(true);
    const open = (await worker.sessions()).map((s) => s.modelId).filter((id) => id.startsWith('tiny-named unet'));
    expect(open).toEqual(['tiny-named unet']);
  });
});
