// A fixed-draw loss: the same batches, timesteps and noise every time, adapters without dropout.
// Training's own loss is noisy (each step draws a new timestep); this one shows whether the
// adapters fit the data, before and after.

import { deriveSeed } from '../graph/random.ts';
import { loraRun } from '../lora/lora.ts';
import { clipTextForward } from '../text/clip-text.ts';
import { unetForward } from '../unet/forward.ts';
import type { DreamBoothConfig } from './config.ts';
import { drawNoise } from './noise.ts';
import { encodeLatents, SD_VAE_SCALE, type DreamBoothModels, type TrainBatch } from './step.ts';

export async function evaluateLoss<T>(models: DreamBoothModels<T>, batches: readonly TrainBatch[], config: DreamBoothConfig, draws = 4): Promise<number> {
  const run = loraRun(config.lora);
  const seed = deriveSeed(config.seed, 'evaluation');
  let sum = 0;
  let count = 0;
  for (const [b, batch] of batches.entries()) {
    const images = batch.captions.length;
    const latents = await encodeLatents(models.vaeEncoder, batch, models.vaeScale ?? SD_VAE_SCALE);
    const ids = batch.captions.map((c) => models.tokenize(c));
    const frozen = config.trainTextEncoder && models.text ? null : await models.encodeText(ids);
    for (let d = 0; d < draws; d++) {
      const draw = drawNoise(latents, images, seed, b * draws + d, config.prediction);
      const scope = models.backend.beginStep();
      try {
        const { ops } = scope;
        const context = frozen ? ops.constant(frozen.data as Float32Array, frozen.dims) : clipTextForward(ops, models.text!, ids, run);
        const shape = [images, 4, batch.height / 8, batch.width / 8];
        const prediction = unetForward(ops, models.unet, ops.constant(draw.noisy, shape), draw.timesteps, context, run);
        sum += (await scope.read(ops.mse(prediction, ops.constant(draw.target, shape))))[0]!;
        count++;
      } finally {
        scope.end();
      }
    }
  }
  return sum / count;
}
