// The timestep subsets and coefficients of CompVis's DDIM and PLMS samplers, as nataili has them.
// Port of nataili ldm/modules/diffusionmodules/util.py make_ddim_timesteps (uniform) and
// make_ddim_sampling_parameters.

/**
 * Every c-th training step, c = ⌊T / steps⌋, shifted by one so the first lands on t = 1 — except
 * that nataili leaves a 999 unshifted (CompVis would index past the end). When T is not a
 * multiple of `steps` this gives more than `steps` timesteps (30 steps → 31), as CompVis does.
 */
export function ddimTimesteps(steps: number, trainingSteps = 1000): number[] {
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= trainingSteps)) throw new RangeError(`DDIM needs 1 to ${trainingSteps} steps, got ${steps}`);
  const c = Math.floor(trainingSteps / steps);
  const out: number[] = [];
  for (let t = 0; t < trainingSteps; t += c) out.push(t !== 999 ? t + 1 : t);
  return out;
}

export interface DdimParameters {
  /** ᾱ at each DDIM timestep. */
  alphas: number[];
  /** ᾱ of the previous DDIM timestep; the first is ᾱ_0 (CompVis), not 1. */
  alphasPrev: number[];
  /** The noise added on each step: eta · sqrt((1 − ᾱ_prev) / (1 − ᾱ) · (1 − ᾱ / ᾱ_prev)). */
  sigmas: number[];
}

export function ddimParameters(alphasCumprod: ArrayLike<number>, timesteps: readonly number[], eta: number): DdimParameters {
  const alphas = timesteps.map((t) => alphasCumprod[t]!);
  const alphasPrev = [alphasCumprod[0]!, ...timesteps.slice(0, -1).map((t) => alphasCumprod[t]!)];
  const sigmas = alphas.map((a, i) => {
    const prev = alphasPrev[i]!;
    return eta * Math.sqrt(((1 - prev) / (1 - a)) * (1 - a / prev));
  });
  return { alphas, alphasPrev, sigmas };
}
