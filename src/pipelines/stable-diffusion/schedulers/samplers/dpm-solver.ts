// DPM-Solver in k-diffusion's form (Lu et al. 2022, arXiv:2206.00927), in t = −log(sigma):
// k_dpm_fast (fixed orders 3…3,2,1 using exactly n network evaluations) and k_dpm_adaptive
// (embedded 2nd/3rd-order pairs with a PID step-size controller).
// Port of k-diffusion sampling.py DPMSolver, PIDStepSizeController, sample_dpm_fast, sample_dpm_adaptive.

import { throwIfAborted } from '../../../../shared/progress.ts';
import { InvalidInputError } from '../../../../shared/errors.ts';
import { addScaledInPlace, combine, combine3, linspace } from '../tensor-ops.ts';
import type { Denoiser, NoiseSource, SamplerOptions } from '../types.ts';
import { ancestralStep, requireRng } from './progress.ts';

const sigmaOf = (t: number): number => Math.exp(-t);
const tOf = (sigma: number): number => -Math.log(sigma);

/** ε predictions of one step, reused between the low- and high-order solutions. */
type EpsCache = Map<string, Float32Array>;

/** The single steps of orders 1, 2 and 3 (exported for the order tests). */
export class DpmSolver {
  nfe = 0;
  constructor(
    private readonly denoise: Denoiser,
    private readonly options: SamplerOptions,
    private readonly onEvaluation: (nfe: number) => void,
  ) {}

  async eps(cache: EpsCache, key: string, x: Float32Array, t: number): Promise<Float32Array> {
    const hit = cache.get(key);
    if (hit) return hit;
    throwIfAborted(this.options.signal);
    const sigma = sigmaOf(t);
    const denoised = await this.denoise(x, sigma);
    const eps = combine(1 / sigma, x, -1 / sigma, denoised);
    cache.set(key, eps);
    this.onEvaluation(++this.nfe);
    return eps;
  }

  async step1(x: Float32Array, t: number, tNext: number, cache: EpsCache): Promise<Float32Array> {
    const h = tNext - t;
    const eps = await this.eps(cache, 'eps', x, t);
    return combine(1, x, -sigmaOf(tNext) * Math.expm1(h), eps);
  }

  async step2(x: Float32Array, t: number, tNext: number, cache: EpsCache, r1 = 1 / 2): Promise<Float32Array> {
    const h = tNext - t;
    const eps = await this.eps(cache, 'eps', x, t);
    const s1 = t + r1 * h;
    const u1 = combine(1, x, -sigmaOf(s1) * Math.expm1(r1 * h), eps);
    const epsR1 = await this.eps(cache, 'eps_r1', u1, s1);
    const a = sigmaOf(tNext) * Math.expm1(h);
    const b = (sigmaOf(tNext) / (2 * r1)) * Math.expm1(h);
    // x − a·eps − b·(epsR1 − eps)
    return combine3(1, x, b - a, eps, -b, epsR1);
  }

  async step3(x: Float32Array, t: number, tNext: number, cache: EpsCache, r1 = 1 / 3, r2 = 2 / 3): Promise<Float32Array> {
    const h = tNext - t;
    const eps = await this.eps(cache, 'eps', x, t);
    const s1 = t + r1 * h;
    const s2 = t + r2 * h;
    const u1 = combine(1, x, -sigmaOf(s1) * Math.expm1(r1 * h), eps);
    const epsR1 = await this.eps(cache, 'eps_r1', u1, s1);
    const c2 = sigmaOf(s2) * (r2 / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1);
    const u2 = combine3(1, x, -sigmaOf(s2) * Math.expm1(r2 * h) + c2, eps, -c2, epsR1);
    const epsR2 = await this.eps(cache, 'eps_r2', u2, s2);
    const c3 = (sigmaOf(tNext) / r2) * (Math.expm1(h) / h - 1);
    return combine3(1, x, -sigmaOf(tNext) * Math.expm1(h) + c3, eps, -c3, epsR2);
  }
}

function checkRange(sigmaMin: number, sigmaMax: number): void {
  if (!(sigmaMin > 0 && sigmaMax > 0)) throw new InvalidInputError('sigma_min and sigma_max must not be 0 for the DPM-Solver samplers.');
}

/** The noise of one stochastic step: eta 0 still draws it (k-diffusion does), to keep the stream aligned. */
function noiseFor(rng: NoiseSource | undefined, x: Float32Array, scale: number): void {
  if (rng) addScaledInPlace(x, scale, rng.randn(x.length));
}

/**
 * Where a step from t toward tNext lands, and the noise to add there: tNext itself without eta;
 * with eta, k-diffusion's ancestral split (never past tEnd), the noise making up the difference.
 */
function stepTarget(t: number, tNext: number, tEnd: number, eta: number): { target: number; sigmaUp: number } {
  if (!eta) return { target: tNext, sigmaUp: 0 };
  const { sigmaDown } = ancestralStep(sigmaOf(t), sigmaOf(tNext), eta);
  const target = Math.min(tEnd, tOf(sigmaDown));
  return { target, sigmaUp: Math.sqrt(sigmaOf(tNext) ** 2 - sigmaOf(target) ** 2) };
}

/** DPM-Solver-Fast: `n` network evaluations spread over ⌊n/3⌋+1 steps of order 3, ending with 2 and/or 1. */
export async function sampleDpmFast(denoiser: Denoiser, x: Float32Array, sigmaMin: number, sigmaMax: number, n: number, options: SamplerOptions = {}): Promise<Float32Array> {
  checkRange(sigmaMin, sigmaMax);
  const eta = options.eta ?? 0;
  const rng = eta ? requireRng(options, 'k_dpm_fast') : options.rng;
  const solver = new DpmSolver(denoiser, options, (nfe) => options.onStep?.({ kind: 'step', index: nfe, count: n }));
  const tStart = tOf(sigmaMax);
  const tEnd = tOf(sigmaMin);
  const m = Math.floor(n / 3) + 1;
  const ts = linspace(tStart, tEnd, m + 1);
  const orders = n % 3 === 0 ? [...Array<number>(m - 2).fill(3), 2, 1] : [...Array<number>(m - 1).fill(3), n % 3];
  for (let i = 0; i < orders.length; i++) {
    const cache: EpsCache = new Map();
    const t = ts[i]!;
    const tNext = ts[i + 1]!;
    const { target, sigmaUp } = stepTarget(t, tNext, tEnd, eta);
    const eps = await solver.eps(cache, 'eps', x, t);
    if (options.onDenoised) options.onDenoised(combine(1, x, -sigmaOf(t), eps), i);
    const order = orders[i]!;
    x = order === 1 ? await solver.step1(x, t, target, cache) : order === 2 ? await solver.step2(x, t, target, cache) : await solver.step3(x, t, target, cache);
    noiseFor(rng, x, sigmaUp * (options.sNoise ?? 1));
  }
  return x;
}

/** A PID controller for the adaptive step size. Port of k-diffusion PIDStepSizeController. */
export class PidStepSizeController {
  private readonly b1: number;
  private readonly b2: number;
  private readonly b3: number;
  private errors: number[] = [];

  constructor(
    public h: number,
    pcoeff: number,
    icoeff: number,
    dcoeff: number,
    order = 1,
    private readonly acceptSafety = 0.81,
    private readonly eps = 1e-8,
  ) {
    this.b1 = (pcoeff + icoeff + dcoeff) / order;
    this.b2 = -(pcoeff + 2 * dcoeff) / order;
    this.b3 = dcoeff / order;
  }

  /** Scales h by a factor from the last three inverse errors; true when the step is accepted. */
  proposeStep(error: number): boolean {
    const inverse = 1 / (error + this.eps);
    if (this.errors.length === 0) this.errors = [inverse, inverse, inverse];
    this.errors[0] = inverse;
    const raw = this.errors[0]! ** this.b1 * this.errors[1]! ** this.b2 * this.errors[2]! ** this.b3;
    const factor = 1 + Math.atan(raw - 1); // soft limiter: no wild jumps up, at most −π/2 down
    const accept = factor >= this.acceptSafety;
    if (accept) {
      this.errors[2] = this.errors[1]!;
      this.errors[1] = this.errors[0]!;
    }
    this.h *= factor;
    return accept;
  }
}

export interface AdaptiveOptions extends SamplerOptions {
  order?: 2 | 3;
  rtol?: number;
  atol?: number;
  hInit?: number;
  pcoeff?: number;
  icoeff?: number;
  dcoeff?: number;
  acceptSafety?: number;
}

export interface AdaptiveInfo {
  steps: number;
  nfe: number;
  accepted: number;
  rejected: number;
}

/**
 * DPM-Solver-12 / 23 with an error-controlled step size. Progress has no known step count, so it
 * is reported in thousandths of the way from sigma_max to sigma_min (`count` 1000).
 */
export async function sampleDpmAdaptive(
  denoiser: Denoiser,
  x: Float32Array,
  sigmaMin: number,
  sigmaMax: number,
  options: AdaptiveOptions = {},
): Promise<{ x: Float32Array; info: AdaptiveInfo }> {
  checkRange(sigmaMin, sigmaMax);
  const { order = 3, rtol = 0.05, atol = 0.0078, hInit = 0.05, pcoeff = 0, icoeff = 1, dcoeff = 0, acceptSafety = 0.81 } = options;
  const eta = options.eta ?? 0;
  const rng = eta ? requireRng(options, 'k_dpm_adaptive') : options.rng;
  const tStart = tOf(sigmaMax);
  const tEnd = tOf(sigmaMin);
  const forward = tEnd > tStart;
  if (!forward && eta) throw new InvalidInputError('eta must be 0 for reverse sampling');
  const solver = new DpmSolver(denoiser, options, () => {});
  const pid = new PidStepSizeController(Math.abs(hInit) * (forward ? 1 : -1), pcoeff, icoeff, dcoeff, eta ? 1.5 : order, acceptSafety);
  const info: AdaptiveInfo = { steps: 0, nfe: 0, accepted: 0, rejected: 0 };
  let s = tStart;
  let xPrev = x;
  while (forward ? s < tEnd - 1e-5 : s > tEnd + 1e-5) {
    const cache: EpsCache = new Map();
    const t = forward ? Math.min(tEnd, s + pid.h) : Math.max(tEnd, s + pid.h);
    const { target, sigmaUp } = stepTarget(s, t, tEnd, eta);
    const eps = await solver.eps(cache, 'eps', x, s);
    if (options.onDenoised) options.onDenoised(combine(1, x, -sigmaOf(s), eps), info.steps);
    const low = order === 2 ? await solver.step1(x, s, target, cache) : await solver.step2(x, s, target, cache, 1 / 3);
    const high = order === 2 ? await solver.step2(x, s, target, cache) : await solver.step3(x, s, target, cache);
    // RMS of the low/high difference relative to a mixed absolute / relative tolerance
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      const delta = Math.max(atol, rtol * Math.max(Math.abs(low[i]!), Math.abs(xPrev[i]!)));
      sum += ((low[i]! - high[i]!) / delta) ** 2;
    }
    const error = Math.sqrt(sum) / Math.sqrt(x.length);
    if (pid.proposeStep(error)) {
      xPrev = low;
      x = high;
      noiseFor(rng, x, sigmaUp * (options.sNoise ?? 1));
      s = t;
      info.accepted++;
    } else {
      info.rejected++;
    }
    info.nfe += order;
    info.steps++;
    options.onStep?.({ kind: 'step', index: Math.round((1000 * (s - tStart)) / (tEnd - tStart)), count: 1000 });
    throwIfAborted(options.signal);
  }
  return { x, info };
}
