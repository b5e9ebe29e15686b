// DDIM, PLMS and DPM-Solver++ (nataili's dpmsolver), which work on the variance-preserving latent
// at training timesteps, against closed forms: for data at one point the ODE keeps ε constant, so
// the exact end point is known; for Gaussian data the exact flow is known in closed form.
import { describe, expect, it } from 'vitest';
import { ddimParameters, ddimTimesteps } from '../../src/pipelines/stable-diffusion/schedulers/ddim-schedule.ts';
import { sampleDdim } from '../../src/pipelines/stable-diffusion/schedulers/samplers/ddim.ts';
import { VpSchedule, sampleDpmSolverMultistep } from '../../src/pipelines/stable-diffusion/schedulers/samplers/dpm-solver-multistep.ts';
import { samplePlms } from '../../src/pipelines/stable-diffusion/schedulers/samplers/plms.ts';
import { DiscreteSchedule } from '../../src/pipelines/stable-diffusion/schedulers/schedule.ts';
import type { DiffusionModel, Prediction } from '../../src/pipelines/stable-diffusion/schedulers/types.ts';
import { TorchGenerator } from '../../src/pipelines/stable-diffusion/random/torch-generator.ts';
import { sampleDpmpp2m } from '../../src/pipelines/stable-diffusion/schedulers/samplers/dpmpp.ts';
import { filled, gaussianDenoised, gaussianDenoiser, gaussianEps, gaussianFlow, gaussianV, maxAbsDiff, pointEps, pointV, scriptedNoise, unitNoise } from './sd-helpers.ts';

const schedule = new DiscreteSchedule();
const A = schedule.alphasCumprod;
const C = 0.8;

/**
 * ᾱ at a fractional timestep k as DPM-Solver's discrete schedule defines it: log sqrt(ᾱ) linear
 * between training steps (written here independently of VpSchedule).
 */
function alphaCumprodAt(k: number): number {
  const low = Math.min(Math.max(Math.floor(k), 0), 998);
  const w = k - low;
  return Math.exp((1 - w) * Math.log(A[low]!) + w * Math.log(A[low + 1]!));
}

function model(kind: 'point' | 'gaussian', prediction: Prediction, calls: number[] = []): DiffusionModel {
  return {
    schedule,
    prediction,
    unet: async (xt, t) => {
      calls.push(t);
      const a = Number.isInteger(t) ? A[t]! : alphaCumprodAt(t);
      return xt.map((v) =>
        kind === 'point' ? (prediction === 'epsilon' ? pointEps(v, a, C) : pointV(v, a, C)) : prediction === 'epsilon' ? gaussianEps(v, a) : gaussianV(v, a),
      );
    },
  };
}

/** Exact VP end point of the probability-flow ODE from ᾱ_from to ᾱ_to. */
function exactVp(kind: 'point' | 'gaussian', xT: number, from: number, to: number): number {
  if (kind === 'point') return Math.sqrt(to) * C + Math.sqrt(1 - to) * pointEps(xT, from, C);
  const sigma = (a: number) => Math.sqrt((1 - a) / a);
  return Math.sqrt(to) * gaussianFlow(xT / Math.sqrt(from), sigma(from), sigma(to));
}

describe('DDIM timesteps and coefficients (nataili make_ddim_timesteps)', () => {
  it('take every ⌊1000/steps⌋-th step shifted by one, keeping a 999', () => {
    const fifty = ddimTimesteps(50);
    expect(fifty).toHaveLength(50);
    expect([fifty[0], fifty[1], fifty.at(-1)]).toEqual([1, 21, 981]);
    const thirty = ddimTimesteps(30); // 1000 // 30 = 33: 31 timesteps, as CompVis does
    expect(thirty).toHaveLength(31);
    expect([thirty[0], thirty[1], thirty.at(-1)]).toEqual([1, 34, 991]);
    expect(ddimTimesteps(1000).slice(-3)).toEqual([998, 999, 999]);
    expect(() => ddimTimesteps(0)).toThrow(RangeError);
  });

  it("start from ᾱ_0 (not 1) and add eta·sqrt((1−ᾱ')/(1−ᾱ)·(1−ᾱ/ᾱ')) noise", () => {
    const { alphas, alphasPrev, sigmas } = ddimParameters(A, [1, 501], 1);
    expect(alphas).toEqual([A[1], A[501]]);
    expect(alphasPrev).toEqual([A[0], A[1]]);
    const [a, p] = [A[501]!, A[1]!];
    expect(sigmas[1]).toBeCloseTo(Math.sqrt(((1 - p) / (1 - a)) * (1 - a / p)), 14);
  });
});

describe('DDIM', () => {
  for (const prediction of ['epsilon', 'v'] as const) {
    it(`lands exactly where the ODE goes for one-point data (${prediction})`, async () => {
      const noise = unitNoise(64);
      const out = await sampleDdim(model('point', prediction), noise, 20);
      const first = A[ddimTimesteps(20).at(-1)!]!;
      expect(maxAbsDiff(out, Array.from(noise, (v) => exactVp('point', v, first, A[0]!)))).toBeLessThan(1e-5);
    });
  }

  it('is first order on Gaussian data', async () => {
    const error = async (steps: number) => {
      const noise = unitNoise(128);
      const first = A[ddimTimesteps(steps).at(-1)!]!;
      return maxAbsDiff(await sampleDdim(model('gaussian', 'epsilon'), noise, steps), Array.from(noise, (v) => exactVp('gaussian', v, first, A[0]!)));
    };
    const ratio = (await error(50)) / (await error(100));
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.6);
  });

  it('with eta: one step by hand, and noise that keeps the marginal variance 1 − ᾱ_prev', async () => {
    // steps 2 → timesteps [1, 501]; from x at t = 501 to t = 1 with eta 1 and noise z = 1
    const x = new Float32Array([0.5]);
    const rng = scriptedNoise(filled(1), filled(0));
    const calls: number[] = [];
    const out = await sampleDdim(model('point', 'epsilon', calls), x, 2, { eta: 1, rng });
    expect(calls).toEqual([501, 1]);
    const [a, p] = [A[501]!, A[1]!];
    const sigma = Math.sqrt(((1 - p) / (1 - a)) * (1 - a / p));
    const eps = pointEps(0.5, a, C);
    const afterFirst = Math.sqrt(p) * C + Math.sqrt(1 - p - sigma * sigma) * eps + sigma;
    // second step: t = 1 to ᾱ_prev = ᾱ_0 with its own eta-sigma, and noise z = 0
    const lastSigma = Math.sqrt(((1 - A[0]!) / (1 - p)) * (1 - p / A[0]!));
    const exactLast = Math.sqrt(A[0]!) * C + Math.sqrt(1 - A[0]! - lastSigma ** 2) * pointEps(afterFirst, p, C);
    expect(out[0]).toBeCloseTo(exactLast, 5);

    const n = 40000;
    const start = new TorchGenerator(5).randn(n);
    const noisy = await sampleDdim(model('point', 'epsilon'), start, 5, { eta: 1, rng: new TorchGenerator(6) });
    const variance = noisy.reduce((s, v) => s + (v - Math.sqrt(A[0]!) * C) ** 2, 0) / n;
    expect(variance).toBeCloseTo(1 - A[0]!, 4);
  });

  it('draws a latent-sized normal on every step even at eta 0 (as CompVis), when given a generator', async () => {
    const rng = scriptedNoise(filled(0));
    await sampleDdim(model('point', 'epsilon'), new Float32Array(3), 4, { rng });
    expect(rng.asked).toEqual([3, 3, 3, 3]);
  });
});

describe('PLMS', () => {
  it('lands exactly where the ODE goes for one-point data, with one extra call on the first step', async () => {
    const calls: number[] = [];
    const noise = unitNoise(64);
    const out = await samplePlms(model('point', 'epsilon', calls), noise, 10);
    const timesteps = ddimTimesteps(10);
    expect(calls.slice(0, 3)).toEqual([timesteps[9], timesteps[8], timesteps[8]]);
    expect(calls).toHaveLength(11);
    expect(maxAbsDiff(out, Array.from(noise, (v) => exactVp('point', v, A[timesteps[9]!]!, A[0]!)))).toBeLessThan(1e-5);
  });

  it('refuses eta, as CompVis does', async () => {
    await expect(samplePlms(model('point', 'epsilon'), new Float32Array(1), 5, { eta: 0.5 })).rejects.toThrow(/eta must be 0/);
  });

  it('is far more accurate than DDIM at the same step count on Gaussian data (v-prediction too)', async () => {
    for (const prediction of ['epsilon', 'v'] as const) {
      const noise = unitNoise(128);
      const first = A[ddimTimesteps(25).at(-1)!]!;
      const exact = Array.from(noise, (v) => exactVp('gaussian', v, first, A[0]!));
      const plms = maxAbsDiff(await samplePlms(model('gaussian', prediction), noise, 25), exact);
      const ddim = maxAbsDiff(await sampleDdim(model('gaussian', prediction), noise, 25), exact);
      expect(plms).toBeLessThan(ddim / 5);
    }
    const noise = unitNoise(128);
    const first = A[ddimTimesteps(80).at(-1)!]!;
    const exact = Array.from(noise, (v) => exactVp('gaussian', v, first, A[0]!));
    expect(maxAbsDiff(await samplePlms(model('gaussian', 'epsilon'), noise, 80), exact)).toBeLessThan(2e-3);
  });
});

describe("DPM-Solver++(2M) on the discrete VP schedule (nataili's dpmsolver)", () => {
  it('interpolates log α linearly between training steps at t = (n+1)/N, extended past the ends', () => {
    const vp = new VpSchedule(A);
    expect(vp.logAlpha(1)).toBeCloseTo(0.5 * Math.log(A[999]!), 14);
    expect(vp.logAlpha(0.001)).toBeCloseTo(0.5 * Math.log(A[0]!), 14);
    expect(vp.logAlpha(0.5005)).toBeCloseTo(0.25 * (Math.log(A[499]!) + Math.log(A[500]!)), 14);
    const slope = 0.5 * (Math.log(A[1]!) - Math.log(A[0]!)) * 1000;
    expect(vp.logAlpha(0)).toBeCloseTo(0.5 * Math.log(A[0]!) - slope * 0.001, 14);
    expect(vp.sigma(0.3) ** 2 + vp.alpha(0.3) ** 2).toBeCloseTo(1, 14);
    expect(vp.modelTime(1)).toBeCloseTo(999, 12);
  });

  for (const prediction of ['epsilon', 'v'] as const) {
    it(`lands exactly where the ODE goes for one-point data (${prediction}), one network call per step`, async () => {
      const calls: number[] = [];
      const noise = unitNoise(64);
      const out = await sampleDpmSolverMultistep(model('point', prediction, calls), noise, 10);
      expect(calls).toHaveLength(10);
      expect(calls[0]).toBeCloseTo(999, 9);
      expect(calls[1]).toBeCloseTo(999 - 99.9, 9); // time-uniform: t from 1 to 1/1000 in 10 steps
      expect(maxAbsDiff(out, Array.from(noise, (v) => exactVp('point', v, A[999]!, A[0]!)))).toBeLessThan(1e-5);
    });
  }

  it('equals k-diffusion DPM-Solver++(2M) run on the same log-SNR grid (from 15 steps: no first-order final step)', async () => {
    // The same method in the variance-exploding view: sigma_VE = sqrt((1 − ᾱ)/ᾱ) at each time,
    // x_VE = x_VP / sqrt(ᾱ). Both solve exactly in log-SNR, so the results must agree.
    const steps = 16;
    const noise = unitNoise(128);
    const vp = await sampleDpmSolverMultistep(model('gaussian', 'epsilon'), noise, steps);
    const times = Array.from({ length: steps + 1 }, (_, i) => 1 + ((0.001 - 1) * i) / steps);
    const sigmas = times.map((t) => {
      const a = alphaCumprodAt(t * 1000 - 1);
      return Math.sqrt((1 - a) / a);
    });
    const aStart = alphaCumprodAt(999);
    const aEnd = alphaCumprodAt(0);
    const ve = await sampleDpmpp2m(gaussianDenoiser(), noise.map((v) => v / Math.sqrt(aStart)), sigmas);
    expect(maxAbsDiff(vp, ve.map((v) => v * Math.sqrt(aEnd)))).toBeLessThan(2e-5);
    // Near the exact flow, though not very near: time-uniform steps end with a log-SNR jump of
    // about ½·log(1 + 1000/steps), large at any practical step count.
    expect(maxAbsDiff(vp, Array.from(noise, (v) => exactVp('gaussian', v, A[999]!, A[0]!)))).toBeLessThan(0.3);
  });

  it('takes a first-order final step below 15 steps (lower_order_final)', async () => {
    const steps = 6;
    const noise = unitNoise(64);
    const vp = await sampleDpmSolverMultistep(model('gaussian', 'epsilon'), noise, steps);
    const times = Array.from({ length: steps + 1 }, (_, i) => 1 + ((0.001 - 1) * i) / steps);
    const sigmas = times.map((t) => {
      const a = alphaCumprodAt(t * 1000 - 1);
      return Math.sqrt((1 - a) / a);
    });
    // k-diffusion's 2M is first order on the last step only when it ends at sigma 0: compare the
    // first five steps, then one DDIM-like step by hand.
    const ve = await sampleDpmpp2m(gaussianDenoiser(), noise.map((v) => v / Math.sqrt(alphaCumprodAt(999))), [...sigmas.slice(0, -1)]);
    const [s, t] = [sigmas[steps - 1]!, sigmas[steps]!];
    const last = ve.map((x) => (t / s) * x + (1 - t / s) * gaussianDenoised(x, s));
    expect(maxAbsDiff(vp, last.map((v) => v * Math.sqrt(alphaCumprodAt(0))))).toBeLessThan(2e-5);
  });

  it('needs at least two steps', async () => {
    await expect(sampleDpmSolverMultistep(model('point', 'epsilon'), new Float32Array(1), 1)).rejects.toThrow(RangeError);
  });
});
