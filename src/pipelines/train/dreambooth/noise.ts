// The forward diffusion a training step needs: DDPMScheduler.add_noise and get_velocity over
// SD's scaled-linear schedule (the same ᾱ the samplers use), and the draws of one step.

import { DiscreteSchedule } from '../../stable-diffusion/schedulers/schedule.ts';
import { normals, randint, stepRandom } from '../graph/random.ts';

const schedule = new DiscreteSchedule();

export interface NoiseDraw {
  timesteps: number[];
  noise: Float32Array;
  noisy: Float32Array;
  /** ε, or v = √ᾱ·ε − √(1−ᾱ)·x0 for v-prediction models. */
  target: Float32Array;
}

/** Timesteps in [0, T) and Gaussian noise for step `step`, and what they make of the latents. */
export function drawNoise(latents: Float32Array, batch: number, seed: number, step: number, prediction: 'epsilon' | 'v'): NoiseDraw {
  const random = stepRandom(seed, step, 'timesteps');
  const timesteps = Array.from({ length: batch }, () => randint(random, 0, schedule.trainingSteps - 1));
  const noise = normals(stepRandom(seed, step, 'noise'), latents.length);
  const per = latents.length / batch;
  const noisy = new Float32Array(latents.length);
  const target = prediction === 'epsilon' ? noise : new Float32Array(latents.length);
  for (let b = 0; b < batch; b++) {
    const a = schedule.alphasCumprod[timesteps[b]!]!;
    const [sa, sb] = [Math.sqrt(a), Math.sqrt(1 - a)];
    for (let i = b * per; i < (b + 1) * per; i++) {
      noisy[i] = sa * latents[i]! + sb * noise[i]!;
      if (prediction === 'v') target[i] = sa * noise[i]! - sb * latents[i]!;
    }
  }
  return { timesteps, noise, noisy, target };
}
