// The k-diffusion samplers against the exact solution of the probability-flow ODE for Gaussian
// data (closed form), their order of convergence, hand-computed single steps, and the noise
// statistics of the ancestral samplers.
import { describe, expect, it } from 'vitest';
import { DpmSolver, PidStepSizeController, sampleDpmAdaptive, sampleDpmFast } from '../../src/pipelines/stable-diffusion/schedulers/samplers/dpm-solver.ts';
import { sampleDpmpp2m, sampleDpmpp2sAncestral, sampleDpmppSde } from '../../src/pipelines/stable-diffusion/schedulers/samplers/dpmpp.ts';
import { sampleDpm2, sampleDpm2Ancestral, sampleEuler, sampleEulerAncestral, sampleHeun } from '../../src/pipelines/stable-diffusion/schedulers/samplers/euler.ts';
import { linearMultistepCoefficient, sampleLms } from '../../src/pipelines/stable-diffusion/schedulers/samplers/lms.ts';
import { ancestralStep } from '../../src/pipelines/stable-diffusion/schedulers/samplers/progress.ts';
import type { Denoiser, SamplerOptions } from '../../src/pipelines/stable-diffusion/schedulers/types.ts';
import { TorchGenerator } from '../../src/pipelines/stable-diffusion/random/torch-generator.ts';
import { filled, gaussianDenoiser, gaussianFlow, geometricSigmas, maxAbsDiff, scriptedNoise, unitNoise } from './sd-helpers.ts';

type Sampler = (d: Denoiser, x: Float32Array, sigmas: readonly number[], o?: SamplerOptions) => Promise<Float32Array>;

/** Largest error against the exact ODE solution after sampling over `sigmas`. */
async function errorOf(sampler: Sampler, sigmas: number[], options: SamplerOptions = {}): Promise<number> {
  const start = unitNoise(256).map((v) => 0.3 + v * Math.sqrt(0.25 + sigmas[0]! ** 2));
  const out = await sampler(gaussianDenoiser(), start.slice(), sigmas, options);
  const end = sigmas[sigmas.length - 1]!;
  return maxAbsDiff(out, Array.from(start, (v) => gaussianFlow(v, sigmas[0]!, end)));
}

/** Observed order p from err(N) / err(2N) ≈ 2^p. */
async function observedOrder(sampler: Sampler, n: number, options: SamplerOptions = {}): Promise<number> {
  const coarse = await errorOf(sampler, geometricSigmas(n + 1), options);
  const fine = await errorOf(sampler, geometricSigmas(2 * n + 1), options);
  return Math.log2(coarse / fine);
}

describe('deterministic k-samplers converge to the exact ODE solution at their order', () => {
  const cases: [string, Sampler, number][] = [
    ['k_euler', sampleEuler, 1],
    ['k_heun', sampleHeun, 2],
    ['k_dpm_2', sampleDpm2, 2],
    ['k_dpmpp_2m', sampleDpmpp2m, 2],
    ['k_dpmpp_2s_a at eta 0', (d, x, s, o) => sampleDpmpp2sAncestral(d, x, s, { ...o, eta: 0 }), 2],
    ['k_dpmpp_sde at eta 0', (d, x, s, o) => sampleDpmppSde(d, x, s, { ...o, eta: 0 }), 2],
  ];
  for (const [name, sampler, order] of cases) {
    it(`${name}: order ${order}`, async () => {
      const p = await observedOrder(sampler, 20);
      expect(p).toBeGreaterThan(order - 0.35);
      expect(p).toBeLessThan(order + 0.6);
      expect(await errorOf(sampler, geometricSigmas(81))).toBeLessThan(order === 1 ? 0.03 : 2e-3);
    });
  }

  it('k_lms reaches a small error and beats Euler by orders of magnitude', async () => {
    const lms = await errorOf(sampleLms, geometricSigmas(41));
    const euler = await errorOf(sampleEuler, geometricSigmas(41));
    expect(lms).toBeLessThan(2e-3);
    expect(lms).toBeLessThan(euler / 20);
  });

  it('all of them land exactly on the data when the schedule ends at sigma 0 and the data is one point', async () => {
    const point: Denoiser = async (x) => new Float32Array(x.length).fill(1.25);
    for (const sampler of [sampleEuler, sampleHeun, sampleDpm2, sampleLms, sampleDpmpp2m] as Sampler[]) {
      const out = await sampler(point, unitNoise(32).map((v) => v * 14.6), [14.6, 3, 0.5, 0.03, 0]);
      expect(maxAbsDiff(out, new Float32Array(32).fill(1.25))).toBeLessThan(1e-6);
    }
  });
});

describe('linear multistep coefficients', () => {
  it('are the Adams–Bashforth weights on an even grid', () => {
    const t = [0, 1, 2, 3, 4, 5];
    const coefficients = (order: number) => Array.from({ length: order }, (_, j) => linearMultistepCoefficient(order, t, 4, j));
    const ab = { 1: [1], 2: [3 / 2, -1 / 2], 3: [23 / 12, -16 / 12, 5 / 12], 4: [55 / 24, -59 / 24, 37 / 24, -9 / 24] };
    for (const [order, weights] of Object.entries(ab)) {
      coefficients(Number(order)).forEach((c, j) => expect(c).toBeCloseTo(weights[j]!, 12));
    }
    expect(() => linearMultistepCoefficient(3, t, 1, 0)).toThrow(/too high/);
  });

  it('integrate the Lagrange basis exactly on an uneven grid (hand-integrated order 2)', () => {
    // points t0 = 0, t1 = 1, step to 3: ∫₁³ (τ−0)/(1−0) dτ = 4, ∫₁³ (τ−1)/(0−1) dτ = −2
    expect(linearMultistepCoefficient(2, [0, 1, 3], 1, 0)).toBeCloseTo(4, 12);
    expect(linearMultistepCoefficient(2, [0, 1, 3], 1, 1)).toBeCloseTo(-2, 12);
  });
});

describe('ancestral steps', () => {
  it('split the step into a deterministic part and fresh noise (hand values)', () => {
    const full = ancestralStep(2, 1, 1);
    expect(full.sigmaUp).toBeCloseTo(Math.sqrt(3) / 2, 15);
    expect(full.sigmaDown).toBeCloseTo(0.5, 15);
    const half = ancestralStep(2, 1, 0.5);
    expect(half.sigmaUp).toBeCloseTo(Math.sqrt(3) / 4, 15);
    expect(half.sigmaDown).toBeCloseTo(Math.sqrt(1 - 3 / 16), 15);
    expect(ancestralStep(2, 1, 0)).toEqual({ sigmaDown: 1, sigmaUp: 0 });
  });

  const point: Denoiser = async (x) => new Float32Array(x.length).fill(1);

  it('k_euler_a: x + d·(sigma_down − sigma) + sigma_up·z, by hand', async () => {
    const rng = scriptedNoise(filled(1));
    // x = 3, denoised 1, sigma 2 → 1: d = 1, dt = −1.5, + sqrt(3)/2
    const out = await sampleEulerAncestral(point, new Float32Array([3]), [2, 1], { rng });
    expect(out[0]).toBeCloseTo(1.5 + Math.sqrt(3) / 2, 6);
  });

  it('k_dpmpp_sde: the whole-step noise contains the half-step noise (Brownian increments), by hand', async () => {
    // sigma 2 → 1 with r = 1/2: sigma_s = sqrt(2); both noises from one Brownian path, so with
    // z1 = 1, z2 = 0 the whole-step noise is sqrt(|2 − √2| / |2 − 1|) and with z1 = 0, z2 = 1 it is
    // sqrt(1 − |2 − √2|). Final x = 1 + (3 − 1)·(1/2)/2 + (√3/2)·noise.
    const a = 2 - Math.SQRT2;
    const first = await sampleDpmppSde(point, new Float32Array([3]), [2, 1], { rng: scriptedNoise(filled(1), filled(0)) });
    expect(first[0]).toBeCloseTo(1.5 + (Math.sqrt(3) / 2) * Math.sqrt(a), 6);
    const second = await sampleDpmppSde(point, new Float32Array([3]), [2, 1], { rng: scriptedNoise(filled(0), filled(1)) });
    expect(second[0]).toBeCloseTo(1.5 + (Math.sqrt(3) / 2) * Math.sqrt(1 - a), 6);
  });

  const stochastic: [string, Sampler][] = [
    ['k_euler_a', sampleEulerAncestral],
    ['k_dpm_2_a', sampleDpm2Ancestral],
    ['k_dpmpp_2s_a', sampleDpmpp2sAncestral],
    ['k_dpmpp_sde', sampleDpmppSde],
  ];
  for (const [name, sampler] of stochastic) {
    it(`${name}: each step leaves noise of exactly the next sigma, and the last step lands on the data`, async () => {
      const n = 40000;
      const x = unitNoise(n, 3).map((v) => 1 + 4 * v); // point mass at 1, sigma 4
      const rng = new TorchGenerator(99);
      const oneStep = await sampler(point, x.slice(), [4, 1.5], { rng });
      const std = Math.sqrt(oneStep.reduce((s, v) => s + (v - 1) ** 2, 0) / n);
      expect(std).toBeCloseTo(1.5, 1);
      const full = await sampler(point, x.slice(), [4, 1.5, 0.2, 0], { rng });
      expect(maxAbsDiff(full, new Float32Array(n).fill(1))).toBeLessThan(1e-5);
    });
  }

  it('at eta 0 k_euler_a and k_dpm_2_a are k_euler and k_dpm_2', async () => {
    const sigmas = geometricSigmas(10).concat(0);
    const x = unitNoise(64).map((v) => v * 14.6);
    const d = gaussianDenoiser();
    expect(Array.from(await sampleEulerAncestral(d, x, sigmas, { eta: 0 }))).toEqual(Array.from(await sampleEuler(d, x, sigmas)));
    expect(Array.from(await sampleDpm2Ancestral(d, x, sigmas, { eta: 0 }))).toEqual(Array.from(await sampleDpm2(d, x, sigmas)));
  });

  it('need a random generator', async () => {
    await expect(sampleEulerAncestral(point, new Float32Array(1), [2, 1])).rejects.toThrow(/options\.rng/);
  });

  it('draw one latent-sized normal per noisy step from the generator (none after the last)', async () => {
    const rng = scriptedNoise(filled(0));
    await sampleEulerAncestral(point, new Float32Array(5), [3, 2, 1, 0], { rng });
    expect(rng.asked).toEqual([5, 5]);
  });
});

describe('DPM-Solver (k-diffusion)', () => {
  it('k_dpm_fast uses exactly n network evaluations and converges to the ODE solution', async () => {
    for (const n of [9, 10, 11]) {
      const calls = { count: 0, sigmas: [] as number[] };
      const x = unitNoise(128).map((v) => 0.3 + v * Math.sqrt(0.25 + 14.6 ** 2));
      const steps: number[] = [];
      const out = await sampleDpmFast(gaussianDenoiser(calls), x, 0.03, 14.6, n, { onStep: (e) => e.kind === 'step' && steps.push(e.index) });
      expect(calls.count).toBe(n);
      expect(steps.at(-1)).toBe(n);
      expect(calls.sigmas[0]).toBeCloseTo(14.6, 12);
      expect(maxAbsDiff(out, Array.from(x, (v) => gaussianFlow(v, 14.6, 0.03)))).toBeLessThan(0.15);
    }
    const x = unitNoise(128).map((v) => 0.3 + v * Math.sqrt(0.25 + 14.6 ** 2));
    const out = await sampleDpmFast(gaussianDenoiser(), x, 0.03, 14.6, 30);
    expect(maxAbsDiff(out, Array.from(x, (v) => gaussianFlow(v, 14.6, 0.03)))).toBeLessThan(1e-3);
  });

  it('its single steps of order 1, 2, 3 have local errors of order h², h³, h⁴', async () => {
    const solver = new DpmSolver(gaussianDenoiser(), {}, () => {});
    const x = new Float32Array([2.5]);
    const localError = async (order: number, h: number) => {
      const t = 0; // sigma 1
      const cache = new Map<string, Float32Array>();
      const out = order === 1 ? await solver.step1(x, t, t + h, cache) : order === 2 ? await solver.step2(x, t, t + h, cache) : await solver.step3(x, t, t + h, cache);
      return Math.abs(out[0]! - gaussianFlow(x[0]!, 1, Math.exp(-h)));
    };
    for (const order of [1, 2, 3]) {
      const ratio = (await localError(order, 0.8)) / (await localError(order, 0.4));
      expect(Math.log2(ratio)).toBeCloseTo(order + 1, 0);
    }
  });

  it('the PID controller scales h by 1 + atan(err⁻¹ᐟᵒʳᵈᵉʳ − 1) and rejects below 0.81 (hand values)', () => {
    const pid = new PidStepSizeController(0.05, 0, 1, 0, 3);
    expect(pid.proposeStep(1 / 8 - 1e-8)).toBe(true); // (8)^(1/3) = 2 → 1 + atan(1)
    expect(pid.h).toBeCloseTo(0.05 * (1 + Math.PI / 4), 9);
    expect(pid.proposeStep(8 - 1e-8)).toBe(false); // 0.5 → 1 + atan(−0.5) ≈ 0.536
    expect(pid.h).toBeCloseTo(0.05 * (1 + Math.PI / 4) * (1 + Math.atan(-0.5)), 9);
  });

  it('k_dpm_adaptive meets its tolerance, in whole steps of 3 evaluations', async () => {
    const calls = { count: 0, sigmas: [] as number[] };
    const x = unitNoise(128).map((v) => 0.3 + v * Math.sqrt(0.25 + 14.6 ** 2));
    const progress: number[] = [];
    const { x: out, info } = await sampleDpmAdaptive(gaussianDenoiser(calls), x, 0.03, 14.6, {
      rtol: 1e-4,
      atol: 1e-5,
      onStep: (e) => e.kind === 'step' && progress.push(e.index),
    });
    expect(info.nfe).toBe(calls.count);
    expect(info.nfe).toBe(3 * info.steps);
    expect(info.accepted + info.rejected).toBe(info.steps);
    expect(progress.at(-1)).toBe(1000);
    expect(maxAbsDiff(out, Array.from(x, (v) => gaussianFlow(v, 14.6, 0.03)))).toBeLessThan(1e-3);
    const loose = await sampleDpmAdaptive(gaussianDenoiser(), x, 0.03, 14.6);
    expect(loose.info.nfe).toBeLessThan(info.nfe);
  });

  it('rejects a zero sigma range', async () => {
    await expect(sampleDpmFast(gaussianDenoiser(), new Float32Array(1), 0, 1, 5)).rejects.toThrow(/must not be 0/);
  });
});
