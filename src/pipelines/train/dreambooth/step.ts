// One DreamBooth-LoRA optimisation step. Port of the loop body of nataili
// train/dreambooth/dreambooth_lora.py: VAE-encode the batch (× 0.18215), draw timesteps and
// noise, add noise, condition on the captions (through the adapted text encoder when it trains),
// predict, MSE against ε (or v), backward, clip to max_grad_norm over every trained parameter,
// AdamW with the UNet's and the text encoder's learning rates.

import type { TensorData } from '../../../runtime/index.ts';
import { NatailiError } from '../../../shared/errors.ts';
import type { ModelRun } from '../../stable-diffusion/pipeline/types.ts';
import type { Optimizer, TrainBackend } from '../graph/backend.ts';
import { stepRandom } from '../graph/random.ts';
import { loraRun } from '../lora/lora.ts';
import { clipTextForward, type TextWeights } from '../text/clip-text.ts';
import { unetForward } from '../unet/forward.ts';
import type { UnetModel } from '../unet/model.ts';
import type { CurvePoint } from './checkpoint.ts';
import { lrFactor, type DreamBoothConfig } from './config.ts';
import { drawNoise } from './noise.ts';

export const SD_VAE_SCALE = 0.18215;

/** One batch of the dataset: images of one bucket in [-1, 1], and their (maybe dropped) captions. */
export interface TrainBatch {
  /** [B, 3, height, width]. */
  pixels: Float32Array;
  width: number;
  height: number;
  captions: string[];
  /** Real images in a padded last batch of a bucket (0 when the batch is full). */
  runtSize: number;
}

export interface DreamBoothModels<T> {
  backend: TrainBackend<T>;
  unet: UnetModel<T>;
  /** The text encoder with adapters; required when the config trains it. */
  text: TextWeights<T> | null;
  /** The frozen text encoder (ONNX): ids [B][77] → last_hidden_state [B, 77, width]. */
  encodeText: (ids: number[][]) => Promise<TensorData>;
  /** A caption as the text encoder's fixed-length ids. */
  tokenize: (caption: string) => number[];
  /** The VAE encoder graph: sample [1, 3, H, W] → latent_sample. */
  vaeEncoder: ModelRun;
  vaeScale?: number;
}

export async function encodeLatents(run: ModelRun, batch: TrainBatch, scale: number): Promise<Float32Array> {
  const images = batch.captions.length;
  const per = 3 * batch.height * batch.width;
  const parts: Float32Array[] = [];
  for (let i = 0; i < images; i++) {
    const { latent_sample: latent } = await run({ sample: { type: 'float32', data: batch.pixels.slice(i * per, (i + 1) * per), dims: [1, 3, batch.height, batch.width] } });
    if (!latent) throw new NatailiError('model', 'The VAE encoder gave no latent_sample output.');
    parts.push((latent.data as Float32Array).map((v) => v * scale));
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.forEach((p, i) => out.set(p, i * p.length));
  return out;
}

export async function trainStep<T>(models: DreamBoothModels<T>, optimizer: Optimizer<T>, trained: readonly T[], config: DreamBoothConfig, batch: TrainBatch, step: number): Promise<CurvePoint> {
  const { backend, unet } = models;
  const images = batch.captions.length;
  const latents = await encodeLatents(models.vaeEncoder, batch, models.vaeScale ?? SD_VAE_SCALE);
  const [h, w] = [batch.height / 8, batch.width / 8];
  const draw = drawNoise(latents, images, config.seed, step, config.prediction);
  const ids = batch.captions.map((c) => models.tokenize(c));
  const frozenContext = config.trainTextEncoder ? null : await models.encodeText(ids);
  const dropout = stepRandom(config.seed, step, 'lora-dropout');
  const run = loraRun(config.lora, dropout);
  const scope = backend.beginStep();
  try {
    const { ops } = scope;
    let context: T;
    if (frozenContext) context = ops.constant(frozenContext.data as Float32Array, frozenContext.dims);
    else if (models.text) context = clipTextForward(ops, models.text, ids, run);
    else throw new NatailiError('internal', 'Training the text encoder needs its weights.');
    const shape = [images, 4, h, w];
    const prediction = unetForward(ops, unet, ops.constant(draw.noisy, shape), draw.timesteps, context, run);
    const loss = ops.mse(prediction, ops.constant(draw.target, shape));
    // A padded batch counts as its real images only (nataili's intent with runt_size).
    const weighted = batch.runtSize > 0 ? ops.scale(loss, batch.runtSize / images) : loss;
    scope.backward(weighted);
    const clip = scope.clipGradNorm(trained, config.maxGradNorm);
    const factor = lrFactor(config, step);
    const lrs = [config.learningRate * factor, config.textLearningRate * factor];
    optimizer.step(lrs.slice(0, optimizer.groups.length));
    const [lossValue, clipReport] = await Promise.all([scope.read(loss), scope.read(clip)]);
    return { step, loss: lossValue[0]!, lr: lrs[0]!, gradNorm: clipReport[0]! };
  } finally {
    scope.end();
  }
}
