// The discrete schedule, k-diffusion's sigma <-> timestep mapping, Karras sigmas, the denoiser
// wrapper (ε and v) and classifier-free guidance, against hand computations and closed forms.
import { describe, expect, it } from 'vitest';
import { classifierFreeGuidance } from '../../src/pipelines/stable-diffusion/schedulers/cfg.ts';
import { epsilonFromOutput, kDiffusionDenoiser, scalings } from '../../src/pipelines/stable-diffusion/schedulers/denoiser.ts';
import { karrasSigmas, natailiKarrasSigmas } from '../../src/pipelines/stable-diffusion/schedulers/karras.ts';
import { DiscreteSchedule, alphaCumprodOfSigma } from '../../src/pipelines/stable-diffusion/schedulers/schedule.ts';
import type { UNet } from '../../src/pipelines/stable-diffusion/schedulers/types.ts';
import { gaussianDenoised, gaussianEps, gaussianV, unitNoise } from './sd-helpers.ts';

const schedule = new DiscreteSchedule();

describe('discrete schedule (scaled linear 0.00085 → 0.012, 1000 steps)', () => {
  it('has the noise range every SD tool quotes: sigma_min ≈ 0.0291675, sigma_max ≈ 14.6146', () => {
    expect(schedule.sigmaMin).toBeCloseTo(0.029167532920837402, 6);
    expect(schedule.sigmaMax).toBeCloseTo(14.614642143249512, 4);
    expect(schedule.alphasCumprod[0]).toBe(Math.fround(1 - 0.00085));
    expect(schedule.trainingSteps).toBe(1000);
  });

  it('sigma_t = sqrt((1 − ᾱ) / ᾱ) and ᾱ = 1 / (1 + sigma²)', () => {
    for (const t of [0, 1, 250, 999]) {
      const a = schedule.alphasCumprod[t]!;
      expect(schedule.sigmas[t]).toBeCloseTo(Math.sqrt((1 - a) / a), 12);
      expect(alphaCumprodOfSigma(schedule.sigmas[t]!)).toBeCloseTo(a, 12);
    }
  });

  it('maps timesteps to sigmas by log-linear interpolation and back', () => {
    const geometricMean = Math.sqrt(schedule.sigmas[499]! * schedule.sigmas[500]!);
    expect(schedule.tToSigma(499.5)).toBeCloseTo(geometricMean, 12);
    expect(schedule.tToSigma(420)).toBe(schedule.sigmas[420]);
    expect(schedule.sigmaToT(schedule.sigmas[420]!)).toBeCloseTo(420, 9);
    expect(schedule.sigmaToT(geometricMean)).toBeCloseTo(499.5, 9);
    expect(schedule.sigmaToT(schedule.sigmaMax)).toBeCloseTo(999, 9);
    expect(schedule.sigmaToT(0.001)).toBe(0); // below the range: clamped
    expect(schedule.sigmaToT(100)).toBe(999); // above: clamped
    for (const t of [0.25, 17.3, 998.9]) expect(schedule.sigmaToT(schedule.tToSigma(t))).toBeCloseTo(t, 8);
  });

  it('get_sigmas(n): evenly spaced timesteps from 999 to 0, then 0', () => {
    const sigmas = schedule.getSigmas(3);
    expect(sigmas).toHaveLength(4);
    expect(sigmas[0]).toBeCloseTo(schedule.sigmaMax, 12);
    expect(sigmas[1]).toBeCloseTo(Math.sqrt(schedule.sigmas[499]! * schedule.sigmas[500]!), 12);
    expect(sigmas[2]).toBeCloseTo(schedule.sigmaMin, 12);
    expect(sigmas[3]).toBe(0);
  });
});

describe('Karras sigmas', () => {
  it('are evenly spaced in sigma^(1/rho)', () => {
    const [a, b, c, zero] = karrasSigmas(3, 0.1, 10, 7);
    expect(a).toBeCloseTo(10, 12);
    expect(b).toBeCloseTo(((10 ** (1 / 7) + 0.1 ** (1 / 7)) / 2) ** 7, 12);
    expect(c).toBeCloseTo(0.1, 12);
    expect(zero).toBe(0);
  });

  it("use nataili's fixed ranges by step count, or the override", () => {
    const range = (steps: number) => {
      const s = natailiKarrasSigmas(steps);
      return [s[0], s[steps - 1], s[steps]];
    };
    expect(range(20).map((v) => +v!.toFixed(6))).toEqual([14.6146, 0.0292, 0]);
    expect(range(8).map((v) => +v!.toFixed(6))).toEqual([14.6146, 0.0936, 0]);
    expect(range(6).map((v) => +v!.toFixed(6))).toEqual([14.6146, 0.1072, 0]);
    expect(range(5).map((v) => +v!.toFixed(6))).toEqual([7.0796, 0.1072, 0]);
    // rho 9 below 6 steps
    expect(natailiKarrasSigmas(5)[2]).toBeCloseTo(((7.0796 ** (1 / 9) + 0.1072 ** (1 / 9)) / 2) ** 9, 10);
    expect(natailiKarrasSigmas(4, { min: 0.5, max: 5, rho: 3 })).toEqual(karrasSigmas(4, 0.5, 5, 3));
  });
});

describe('denoiser wrapper (CompVisDenoiser / CompVisVDenoiser)', () => {
  it('uses the c_in, c_out, c_skip of k-diffusion', () => {
    expect(scalings(1, 'epsilon')).toEqual({ cIn: 1 / Math.SQRT2, cOut: -1, cSkip: 1 });
    const v = scalings(1, 'v');
    expect(v.cIn).toBeCloseTo(1 / Math.SQRT2, 15);
    expect(v.cOut).toBeCloseTo(-1 / Math.SQRT2, 15);
    expect(v.cSkip).toBeCloseTo(0.5, 15);
  });

  // An ideal network for Gaussian data that reads the timestep like k-diffusion writes it.
  const idealUNet =
    (kind: 'eps' | 'v', seen: number[] = []): UNet =>
    async (input, t) => {
      seen.push(t);
      const alphaCumprod = alphaCumprodOfSigma(schedule.tToSigma(t));
      return input.map((xt) => (kind === 'eps' ? gaussianEps(xt, alphaCumprod) : gaussianV(xt, alphaCumprod)));
    };

  for (const [prediction, kind] of [['epsilon', 'eps'], ['v', 'v']] as const) {
    it(`turns an ideal ${prediction} network into the exact denoiser, off the training grid too`, async () => {
      const seen: number[] = [];
      const denoise = kDiffusionDenoiser(idealUNet(kind, seen), schedule, prediction);
      for (const sigma of [0.05, 1, 3.7, 14]) {
        const x = unitNoise(64).map((v) => 0.3 + v * Math.sqrt(0.25 + sigma * sigma));
        const denoised = await denoise(x, sigma);
        for (let i = 0; i < x.length; i++) expect(denoised[i]).toBeCloseTo(gaussianDenoised(x[i]!, sigma), 5);
      }
      expect(seen[2]).toBeCloseTo(schedule.sigmaToT(3.7), 12);
    });
  }

  it('converts v to ε as sqrt(ᾱ)·v + sqrt(1 − ᾱ)·x_t', () => {
    const eps = epsilonFromOutput(new Float32Array([2]), new Float32Array([4]), 0.36, 'v');
    expect(eps[0]).toBeCloseTo(0.6 * 2 + 0.8 * 4, 6);
    const same = new Float32Array([1, 2]);
    expect(epsilonFromOutput(same, same, 0.5, 'epsilon')).toBe(same);
  });
});

describe('classifier-free guidance', () => {
  it('runs [uncond, cond] in one batch and returns uncond + scale·(cond − uncond)', async () => {
    const batches: { batch: Float32Array; t: number }[] = [];
    const guided = classifierFreeGuidance(async (batch, t) => {
      batches.push({ batch: batch.slice(), t });
      const n = batch.length / 2;
      return batch.map((v, i) => (i < n ? v : 3 * v)); // uncond = x, cond = 3x
    }, 7.5);
    const out = await guided(new Float32Array([1, -2]), 321.5);
    expect(Array.from(batches[0]!.batch)).toEqual([1, -2, 1, -2]);
    expect(batches[0]!.t).toBe(321.5);
    expect(Array.from(out)).toEqual([1 + 7.5 * 2, -2 + 7.5 * -4]);
  });

  it('rejects a network that returns the wrong batch size', async () => {
    const guided = classifierFreeGuidance(async (batch) => batch.slice(0, 1), 2);
    await expect(guided(new Float32Array([1, 2]), 0)).rejects.toThrow(/expected 4/);
  });
});
