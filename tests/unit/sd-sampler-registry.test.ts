// Every sampler name nataili accepts, run end to end through the registry on an ideal network
// (one-point data at C): where each lands, how it reports progress, and cancellation.
import { describe, expect, it } from 'vitest';
import { classifierFreeGuidance } from '../../src/pipelines/stable-diffusion/schedulers/cfg.ts';
import { SAMPLER_NAMES, STOCHASTIC_SAMPLERS, parseSamplerName, sample } from '../../src/pipelines/stable-diffusion/schedulers/registry.ts';
import { DiscreteSchedule, alphaCumprodOfSigma } from '../../src/pipelines/stable-diffusion/schedulers/schedule.ts';
import type { Prediction, UNet } from '../../src/pipelines/stable-diffusion/schedulers/types.ts';
import { TorchGenerator } from '../../src/pipelines/stable-diffusion/random/torch-generator.ts';
import { maxAbsDiff, pointEps, pointV, unitNoise } from './sd-helpers.ts';

const schedule = new DiscreteSchedule();
const C = -0.4;

/** Ideal network for one-point data; reads integer timesteps exactly and fractional ones like k-diffusion. */
function unet(prediction: Prediction, timesteps: number[] = []): UNet {
  return async (input, t) => {
    timesteps.push(t);
    const a = Number.isInteger(t) ? schedule.alphasCumprod[t]! : alphaCumprodOfSigma(schedule.tToSigma(t));
    return input.map((v) => (prediction === 'epsilon' ? pointEps(v, a, C) : pointV(v, a, C)));
  };
}

const NATAILI_NAMES = ['k_euler', 'k_euler_a', 'k_heun', 'k_dpm_2', 'k_dpm_2_a', 'k_lms', 'k_dpm_fast', 'k_dpm_adaptive', 'k_dpmpp_2s_a', 'k_dpmpp_2m', 'k_dpmpp_sde', 'DDIM', 'PLMS', 'dpmsolver'];

describe('sampler names', () => {
  it("has exactly nataili's names", () => {
    expect([...SAMPLER_NAMES].sort()).toEqual([...NATAILI_NAMES].sort());
  });

  it('reads the _karras suffix and rejects unknown names', () => {
    expect(parseSamplerName('k_dpmpp_2m_karras')).toEqual({ sampler: 'k_dpmpp_2m', karras: true });
    expect(parseSamplerName('k_euler_a')).toEqual({ sampler: 'k_euler_a', karras: false });
    expect(parseSamplerName('DDIM')).toEqual({ sampler: 'DDIM', karras: false });
    expect(() => parseSamplerName('k_unknown')).toThrow(/Unknown sampler "k_unknown"/);
  });
});

describe('every sampler through the registry', () => {
  for (const name of [...NATAILI_NAMES, 'k_euler_karras', 'k_dpmpp_sde_karras']) {
    for (const prediction of ['epsilon', 'v'] as const) {
      it(`${name} (${prediction}) ends at the data and reports its steps`, async () => {
        const noise = unitNoise(48);
        const events: { index: number; count: number }[] = [];
        const out = await sample(name, { unet: unet(prediction), prediction, schedule }, noise, {
          steps: 12,
          rng: new TorchGenerator(3),
          onStep: (e) => e.kind === 'step' && events.push({ index: e.index, count: e.count }),
        });
        // k-samplers end at sigma 0 (exactly C) or, for the DPM-Solver ones, at sigma_min;
        // DDIM / PLMS / dpmsolver end at training step 0: sqrt(ᾱ_0)·C + sqrt(1 − ᾱ_0)·ε.
        if (name === 'k_dpm_fast' || name === 'k_dpm_adaptive') {
          // the ODE for one point keeps (x − C)/sigma fixed: from sigma_max down to sigma_min
          const { sigmaMin: lo, sigmaMax: hi } = schedule;
          expect(maxAbsDiff(out, Array.from(noise, (z) => C + (z * hi - C) * (lo / hi)))).toBeLessThan(1e-4);
        } else {
          expect(maxAbsDiff(out, new Float32Array(48).fill(C))).toBeLessThan(name.startsWith('k_') ? 1e-4 : 0.12);
        }
        expect(events.length).toBeGreaterThan(0);
        expect(events.at(-1)!.index).toBe(events.at(-1)!.count);
        for (let i = 1; i < events.length; i++) expect(events[i]!.index).toBeGreaterThanOrEqual(events[i - 1]!.index);
      });
    }
  }

  it('k-samplers start from noise × sigmas[0]: the model sigma_max, or 14.6146 with _karras', async () => {
    const first: number[] = [];
    const spy: UNet = async (input, t) => {
      first.push(t);
      return unet('epsilon')(input, t);
    };
    await sample('k_euler', { unet: spy, prediction: 'epsilon', schedule }, new Float32Array(4), { steps: 5 });
    expect(first[0]).toBeCloseTo(999, 9);
    const seen: Float32Array[] = [];
    const recording: UNet = async (input, t) => {
      seen.push(input.slice());
      return unet('epsilon')(input, t);
    };
    await sample('k_euler_karras', { unet: recording, prediction: 'epsilon', schedule }, new Float32Array([1]), { steps: 10 });
    // the network sees c_in · x = x / sqrt(sigma² + 1) with x = 1 · 14.6146
    expect(seen[0]![0]).toBeCloseTo(14.6146 / Math.sqrt(14.6146 ** 2 + 1), 6);
  });

  it('DDIM with 30 steps takes 31 (CompVis timesteps) and reports count 31', async () => {
    const timesteps: number[] = [];
    const counts: number[] = [];
    await sample('DDIM', { unet: unet('epsilon', timesteps), prediction: 'epsilon', schedule }, new Float32Array(2), {
      steps: 30,
      onStep: (e) => e.kind === 'step' && counts.push(e.count),
    });
    expect(timesteps).toHaveLength(31);
    expect(counts.every((c) => c === 31)).toBe(true);
  });

  it('stochastic samplers need a generator; the others do not', async () => {
    for (const name of STOCHASTIC_SAMPLERS) {
      await expect(sample(name, { unet: unet('epsilon'), prediction: 'epsilon', schedule }, new Float32Array(2), { steps: 3 })).rejects.toThrow(/options\.rng/);
    }
    await expect(sample('k_lms', { unet: unet('epsilon'), prediction: 'epsilon', schedule }, new Float32Array(2), { steps: 3 })).resolves.toBeInstanceOf(Float32Array);
  });

  it('stops with the abort reason between steps', async () => {
    for (const name of NATAILI_NAMES) {
      const controller = new AbortController();
      let calls = 0;
      const counting: UNet = async (input, t) => {
        calls++;
        if (calls === 2) controller.abort(new DOMException('stop', 'AbortError'));
        return unet('epsilon')(input, t);
      };
      const run = sample(name, { unet: counting, prediction: 'epsilon', schedule }, new Float32Array(2), { steps: 20, rng: new TorchGenerator(1), signal: controller.signal });
      await expect(run).rejects.toThrow('stop');
      expect(calls).toBeLessThanOrEqual(3);
    }
  });

  it('rejects a bad step count', async () => {
    await expect(sample('k_euler', { unet: unet('epsilon'), prediction: 'epsilon', schedule }, new Float32Array(2), { steps: 0 })).rejects.toThrow(/at least 1/);
  });

  it('works with a guided network (batched cond/uncond) end to end', async () => {
    // uncond half predicts data at C, cond half at C + 1: scale 2 guides to C + 2
    const batched = async (batch: Float32Array, t: number) => {
      const a = alphaCumprodOfSigma(schedule.tToSigma(t));
      const n = batch.length / 2;
      return batch.map((v, i) => pointEps(v, a, i < n ? C : C + 1));
    };
    const out = await sample('k_dpmpp_2m', { unet: classifierFreeGuidance(batched, 2), prediction: 'epsilon', schedule }, unitNoise(8), { steps: 15 });
    expect(maxAbsDiff(out, new Float32Array(8).fill(C + 2))).toBeLessThan(1e-4);
  });
});
