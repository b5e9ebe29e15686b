// The pipeline's pieces against values worked out by hand, with fake networks.
import { describe, expect, it } from 'vitest';
import { hiresPlan } from '../../src/pipelines/stable-diffusion/pipeline/hires.ts';
import { encodeSteps, sampleFrom } from '../../src/pipelines/stable-diffusion/pipeline/img2img.ts';
import { maskPlane, rollPlanes, wrapPad } from '../../src/pipelines/stable-diffusion/pipeline/latents.ts';
import { latentPreview } from '../../src/pipelines/stable-diffusion/pipeline/preview.ts';
import type { ModelRun, UNetInfo } from '../../src/pipelines/stable-diffusion/pipeline/types.ts';
import { guidedUNet } from '../../src/pipelines/stable-diffusion/pipeline/unet.ts';
import { DiscreteSchedule } from '../../src/pipelines/stable-diffusion/schedulers/schedule.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import { pointEps, unitNoise } from './sd-helpers.ts';

const info = (over: Partial<UNetInfo> = {}): UNetInfo => ({ inChannels: 4, timestepType: 'float32', timestepLength: null, fixedBatch: null, classLabels: false, ...over });

describe('the guided UNet call', () => {
  it('feeds [uncond…, cond…] contexts, extra channels after the latents, the timestep in the export dtype', async () => {
    const seen: Record<string, TensorData>[] = [];
    const run: ModelRun = async (feeds) => {
      seen.push(feeds);
      const sample = feeds['sample']!;
      const [n, , h, w] = sample.dims as [number, number, number, number];
      // out = latent channel 0 + 10·first extra channel + context[0] of that batch row
      const ctx = feeds['encoder_hidden_states']!.data as Float32Array;
      const per = ctx.length / n;
      const out = new Float32Array(n * 4 * h * w);
      const s = sample.data as Float32Array;
      const c = sample.dims[1]!;
      for (let b = 0; b < n; b++) for (let p = 0; p < 4 * h * w; p++) out[b * 4 * h * w + p] = s[b * c * h * w + p]! + 10 * (c > 4 ? s[(b * c + 4) * h * w]! : 0) + ctx[b * per]!;
      return { out_sample: { type: 'float32', dims: [n, 4, h, w], data: out } };
    };
    const unet = guidedUNet({
      run,
      info: info({ inChannels: 5, timestepType: 'int64', fixedBatch: 1 }),
      batch: 1,
      latentHeight: 2,
      latentWidth: 2,
      cond: Float32Array.of(3, 0),
      uncond: Float32Array.of(1, 0),
      sequence: 1,
      hiddenSize: 2,
      cfgScale: 2,
      extra: { channels: 1, data: Float32Array.of(0.5, 0, 0, 0) },
    });
    const out = await unet(new Float32Array(16).fill(1), 12.6);
    // uncond = 1 + 5 + 1 = 7, cond = 1 + 5 + 3 = 9, guided = 7 + 2·(9 − 7) = 11
    expect(out[0]).toBe(11);
    expect(seen).toHaveLength(2); // fixed batch 1: two runs
    expect(seen[0]!['timestep']).toEqual({ type: 'int64', dims: [1], data: BigInt64Array.of(13n) });
    expect(seen[0]!['sample']!.dims).toEqual([1, 5, 2, 2]);
  });

  it('passes class_labels and undoes the tiling roll on the output', async () => {
    const labels: bigint[] = [];
    const identity: ModelRun = async (feeds) => {
      labels.push(...(feeds['class_labels']!.data as BigInt64Array));
      return { out_sample: feeds['sample']! };
    };
    const x = Float32Array.from({ length: 4 * 4 * 4 }, (_, i) => i);
    const unet = guidedUNet({ run: identity, info: info({ classLabels: true }), batch: 1, latentHeight: 4, latentWidth: 4, cond: new Float32Array(2), uncond: new Float32Array(2), sequence: 1, hiddenSize: 2, cfgScale: 7, classLabels: 20, tiling: true });
    for (let call = 0; call < 4; call++) expect(Array.from(await unet(x, 1))).toEqual(Array.from(x));
    expect(labels).toEqual(Array(8).fill(20n));
  });
});

describe('latent helpers', () => {
  it('rolls and wrap-pads planes as torch.roll and circular padding do', () => {
    const plane = Float32Array.of(1, 2, 3, 4, 5, 6); // 2×3
    expect(Array.from(rollPlanes(plane, 1, 2, 3, 1, 1))).toEqual([6, 4, 5, 3, 1, 2]);
    expect(Array.from(wrapPad(plane, 1, 2, 3, 1)).slice(0, 5)).toEqual([6, 4, 5, 6, 4]);
  });

  it('reads masks: white repaints, invert flips, alpha repaints the transparent part', () => {
    const init = { width: 2, height: 1, data: Uint8ClampedArray.of(9, 9, 9, 255, 9, 9, 9, 0) };
    const mask = { width: 2, height: 1, data: Uint8ClampedArray.of(255, 255, 255, 255, 0, 0, 0, 255) };
    expect(Array.from(maskPlane(init, mask, 'mask', 2, 1)!)).toEqual([1, 0]);
    expect(Array.from(maskPlane(init, mask, 'invert', 2, 1)!)).toEqual([0, 1]);
    expect(Array.from(maskPlane(init, undefined, 'alpha', 2, 1)!)).toEqual([0, 1]);
  });

  it('previews latents with the 4×3 factors', () => {
    // One pixel, latent (1, 0, 0, 0): RGB = (0.298, 0.207, 0.208) → ((v + 1) / 2)·255.
    const preview = latentPreview(Float32Array.of(1, 0, 0, 0), 1, 1, 1);
    expect(Array.from(preview.rgba)).toEqual([165, 154, 154, 255]);
  });
});

describe('img2img start points (nataili t_enc)', () => {
  it('t_enc = int(strength·steps); a full-strength run does one step less and obliterates', () => {
    expect(encodeSteps(0.75, 20)).toEqual({ tEnc: 15, obliterate: false });
    expect(encodeSteps(1, 20)).toEqual({ tEnc: 19, obliterate: true });
    expect(() => encodeSteps(1.5, 20)).toThrow(/between 0 and 1/);
  });

  it('starts at sigmas[steps − t_enc − 1], and a mask of zeros returns the original exactly', async () => {
    const schedule = new DiscreteSchedule();
    const c = 0.4;
    const sigmasSeen: number[] = [];
    // The ideal ε for data that is always c: then every sampler lands on c.
    const unet = async (input: Float32Array, t: number) => {
      const sigma = schedule.tToSigma(t);
      sigmasSeen.push(sigma);
      const a = 1 / (1 + sigma * sigma);
      return input.map((v) => pointEps(v * Math.sqrt(1 + sigma * sigma) * Math.sqrt(a), a, c));
    };
    const x0 = new Float32Array(8).fill(0.1);
    const noise = unitNoise(8);
    const model = { unet, prediction: 'epsilon' as const, schedule };
    const out = await sampleFrom('k_euler', model, noise, { x0 }, 0.5, { steps: 10 });
    const sigmas = schedule.getSigmas(10);
    expect(sigmasSeen[0]).toBeCloseTo(sigmas[4]!, 4);
    expect(sigmasSeen).toHaveLength(6);
    for (const v of out) expect(v).toBeCloseTo(c, 3);
    const kept = await sampleFrom('k_euler', model, noise, { x0, mask: new Float32Array(8) }, 0.5, { steps: 10 });
    expect(Array.from(kept)).toEqual(Array.from(x0));
    const ddim = await sampleFrom('DDIM', model, noise, { x0 }, 0.5, { steps: 10 });
    // CompVis DDIM ends at ᾱ_0 < 1 (alphas_prev[0]), so a little of the noise remains.
    for (const v of ddim) expect(Math.abs(v - c)).toBeLessThan(0.05);
    await expect(sampleFrom('PLMS', model, noise, { x0 }, 0.5, { steps: 10 })).rejects.toThrow(/cannot start from an image/);
  });
});

describe('hires fix plan (nataili)', () => {
  it('scales the first pass by min(H, W)/512 and rounds down to 64; skips small images', () => {
    const notes: string[] = [];
    expect(hiresPlan({ prompt: '', hiresFix: true }, { prediction: 'epsilon' }, 1024, 768, notes)).toMatchObject({ width: 640, height: 512, steps: 20, strength: 0.2, upscale: 'pixels' });
    expect(hiresPlan({ prompt: '', hiresFix: true }, { prediction: 'epsilon' }, 512, 768, notes)).toBeNull();
    expect(notes).toHaveLength(1);
    expect(hiresPlan({ prompt: '', hiresFix: { nativeSize: 64, upscale: 'latent' } }, { prediction: 'epsilon' }, 128, 128, [])).toMatchObject({ width: 64, height: 64, strength: 0.55 });
  });
});
