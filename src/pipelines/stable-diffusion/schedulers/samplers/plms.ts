// PLMS, pseudo linear multistep (Liu et al. 2022), as nataili runs it (CompVis ldm PLMSSampler):
// DDIM updates driven by an Adams–Bashforth combination of the last ε predictions; the first step
// uses a pseudo improved Euler (two network calls). Deterministic (CompVis refuses eta ≠ 0).
// Port of nataili ldm/models/diffusion/plms.py plms_sampling / p_sample_plms.

import { InvalidInputError } from '../../../../shared/errors.ts';
import { throwIfAborted } from '../../../../shared/progress.ts';
import { epsilonFromOutput } from '../denoiser.ts';
import { ddimParameters, ddimTimesteps } from '../ddim-schedule.ts';
import { linearCombination } from '../tensor-ops.ts';
import type { DiffusionModel, SamplerOptions } from '../types.ts';
import { ddimUpdate } from './ddim.ts';
import { stepReporter } from './progress.ts';

/** Adams–Bashforth weights for the newest ε first, by how many older ε there are (0 handled apart). */
const BASHFORTH: Record<number, number[]> = {
  1: [3 / 2, -1 / 2],
  2: [23 / 12, -16 / 12, 5 / 12],
  3: [55 / 24, -59 / 24, 37 / 24, -9 / 24],
};

export async function samplePlms(model: DiffusionModel, noise: Float32Array, steps: number, options: SamplerOptions = {}): Promise<Float32Array> {
  if (options.eta) throw new InvalidInputError('PLMS is deterministic: eta must be 0 (use DDIM for eta).');
  const alphasCumprod = model.schedule.alphasCumprod;
  const timesteps = ddimTimesteps(steps, alphasCumprod.length);
  const { alphas, alphasPrev, sigmas } = ddimParameters(alphasCumprod, timesteps, 0);
  const reversed = [...timesteps].reverse();
  const total = timesteps.length;
  const report = stepReporter(options, total);
  const epsAt = async (x: Float32Array, t: number): Promise<Float32Array> => {
    throwIfAborted(options.signal);
    return epsilonFromOutput(await model.unet(x, t), x, alphasCumprod[t]!, model.prediction);
  };
  const oldEps: Float32Array[] = []; // oldest first, at most 3
  let x = noise;
  for (let i = 0; i < total; i++) {
    const index = total - i - 1;
    const t = reversed[i]!;
    const tNext = reversed[Math.min(i + 1, total - 1)]!;
    const update = (e: Float32Array): ReturnType<typeof ddimUpdate> => ddimUpdate(x, e, alphas[index]!, alphasPrev[index]!, sigmas[index]!, undefined);
    const eps = await epsAt(x, t);
    let epsPrime: Float32Array;
    if (oldEps.length === 0) {
      // Pseudo improved Euler: average ε here and at the DDIM prediction for the next timestep.
      const { xPrev } = update(eps);
      epsPrime = linearCombination([0.5, 0.5], [eps, await epsAt(xPrev, tNext)]);
    } else {
      const history = oldEps.slice(-3).reverse(); // newest first
      epsPrime = linearCombination(BASHFORTH[history.length]!, [eps, ...history]);
    }
    const { xPrev, predX0 } = update(epsPrime);
    options.onDenoised?.(predX0, i);
    oldEps.push(eps);
    if (oldEps.length >= 4) oldEps.shift();
    x = xPrev;
    report(i + 1);
  }
  return x;
}
