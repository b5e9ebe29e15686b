// Classifier-free guidance with one batched network call: the latent is duplicated, the batch is
// [unconditional, conditional] (nataili's CFGDenoiser and DDIM/PLMS/DPM-Solver wrappers all put
// the unconditional half first), and the output halves are recombined as
// uncond + scale·(cond − uncond). Guidance is linear in the network output, so applying it to the
// raw ε / v output is the same as applying it to the denoised estimate (k-diffusion's CFGDenoiser).

import type { UNet } from './types.ts';

/** Runs the network on a batch of 2·B latents; the pipeline knows which embeddings go with it. */
export type BatchedUNet = (batch: Float32Array, timestep: number) => Promise<Float32Array>;

export function classifierFreeGuidance(batched: BatchedUNet, scale: number): UNet {
  return async (input, timestep) => {
    const n = input.length;
    const batch = new Float32Array(2 * n);
    batch.set(input, 0);
    batch.set(input, n);
    const output = await batched(batch, timestep);
    if (output.length !== 2 * n) throw new RangeError(`guided network returned ${output.length} values, expected ${2 * n}`);
    const guided = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const uncond = output[i]!;
      guided[i] = uncond + scale * (output[n + i]! - uncond);
    }
    return guided;
  };
}
