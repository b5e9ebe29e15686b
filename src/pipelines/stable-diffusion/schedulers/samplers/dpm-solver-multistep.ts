// nataili's `dpmsolver` (its only sampler for SD 2.x): DPM-Solver++(2M) by Lu et al. on the
// discrete VP schedule, multistep order 2, time-uniform steps from t = 1 to 1/N, a first-order
// final step below 15 steps, no denoise-to-zero. Port of nataili ldm2/models/diffusion/dpm_solver
// (dpm_solver.py NoiseScheduleVP 'discrete', model_wrapper, DPM_Solver.sample 'multistep';
// sampler.py DPMSolverSampler).

import { throwIfAborted } from '../../../../shared/progress.ts';
import { combine, combine3, linspace } from '../tensor-ops.ts';
import type { DiffusionModel, SamplerOptions } from '../types.ts';
import { stepReporter } from './progress.ts';

/**
 * The discrete schedule as a continuous-time VP process: log α(t) is piecewise linear through
 * (t_n = (n+1)/N, ½·log ᾱ_n), extended linearly past both ends (interpolate_fn).
 */
export class VpSchedule {
  private readonly logAlphas: Float64Array;
  readonly total: number;

  constructor(alphasCumprod: ArrayLike<number>) {
    this.total = alphasCumprod.length;
    this.logAlphas = Float64Array.from({ length: this.total }, (_, n) => 0.5 * Math.log(alphasCumprod[n]!));
  }

  logAlpha(t: number): number {
    const n = this.total;
    // segment k joins t_k = (k+1)/n and t_{k+1}; the end segments extrapolate
    const k = Math.min(Math.max(Math.floor(t * n) - 1, 0), n - 2);
    const t0 = (k + 1) / n;
    const t1 = (k + 2) / n;
    const y0 = this.logAlphas[k]!;
    const y1 = this.logAlphas[k + 1]!;
    return y0 + ((t - t0) * (y1 - y0)) / (t1 - t0);
  }

  alpha(t: number): number {
    return Math.exp(this.logAlpha(t));
  }

  /** sqrt(1 − α²) */
  sigma(t: number): number {
    return Math.sqrt(1 - Math.exp(2 * this.logAlpha(t)));
  }

  /** Half log-SNR: log α − log σ. */
  lambda(t: number): number {
    const logAlpha = this.logAlpha(t);
    return logAlpha - 0.5 * Math.log(1 - Math.exp(2 * logAlpha));
  }

  /** The network's timestep for continuous time t (model_wrapper.get_model_input_time). */
  modelTime(t: number): number {
    return (t - 1 / this.total) * 1000;
  }
}

export async function sampleDpmSolverMultistep(model: DiffusionModel, noise: Float32Array, steps: number, options: SamplerOptions = {}): Promise<Float32Array> {
  if (!(Number.isInteger(steps) && steps >= 2)) throw new RangeError(`dpmsolver needs at least 2 steps (order 2), got ${steps}`);
  const ns = new VpSchedule(model.schedule.alphasCumprod);
  const report = stepReporter(options, steps);
  const order = 2;
  const ts = linspace(1, 1 / ns.total, steps + 1);

  /** data_prediction_fn: x0 = (x − σ_t·ε) / α_t, with ε = α_t·v + σ_t·x for v models. */
  const dataPrediction = async (x: Float32Array, t: number): Promise<Float32Array> => {
    throwIfAborted(options.signal);
    const output = await model.unet(x, ns.modelTime(t));
    const alpha = ns.alpha(t);
    const sigma = ns.sigma(t);
    const x0 = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const eps = model.prediction === 'v' ? alpha * output[i]! + sigma * x[i]! : output[i]!;
      x0[i] = (x[i]! - sigma * eps) / alpha;
    }
    return x0;
  };

  /** dpm_solver_first_update, predict_x0: x_t = (σ_t/σ_s)·x − α_t·(e^(−h) − 1)·m_s. */
  const firstOrder = (x: Float32Array, s: number, t: number, modelS: Float32Array): Float32Array => {
    const h = ns.lambda(t) - ns.lambda(s);
    return combine(ns.sigma(t) / ns.sigma(s), x, -ns.alpha(t) * Math.expm1(-h), modelS);
  };

  /** multistep_dpm_solver_second_update, predict_x0, solver_type 'dpm_solver'. */
  const secondOrder = (x: Float32Array, models: [Float32Array, Float32Array], times: [number, number], t: number): Float32Array => {
    const [m1, m0] = models;
    const [t1, t0] = times;
    const lambda0 = ns.lambda(t0);
    const h0 = lambda0 - ns.lambda(t1);
    const h = ns.lambda(t) - lambda0;
    const r0 = h0 / h;
    const phi = ns.alpha(t) * (Math.exp(-h) - 1);
    // x·σ_t/σ_0 − phi·m0 − ½·phi·(m0 − m1)/r0
    return combine3(ns.sigma(t) / ns.sigma(t0), x, -phi - (0.5 * phi) / r0, m0, (0.5 * phi) / r0, m1);
  };

  let x = noise;
  const models: Float32Array[] = [await dataPrediction(x, ts[0]!)];
  const times: number[] = [ts[0]!];
  options.onDenoised?.(models[0]!, 0);
  // init: one first-order step
  x = firstOrder(x, times[0]!, ts[1]!, models[0]!);
  models.push(await dataPrediction(x, ts[1]!));
  times.push(ts[1]!);
  options.onDenoised?.(models[1]!, 1);
  report(1);
  for (let step = order; step <= steps; step++) {
    const t = ts[step]!;
    const stepOrder = steps < 15 ? Math.min(order, steps + 1 - step) : order; // lower_order_final
    x = stepOrder === 1 ? firstOrder(x, times[1]!, t, models[1]!) : secondOrder(x, [models[0]!, models[1]!], [times[0]!, times[1]!], t);
    models[0] = models[1]!;
    times[0] = times[1]!;
    times[1] = t;
    if (step < steps) {
      models[1] = await dataPrediction(x, t);
      options.onDenoised?.(models[1], step);
    }
    report(step);
  }
  return x;
}
