// nataili's DreamBooth-LoRA defaults (train/dreambooth/dreambooth_lora.py train()). They live in
// shared/ because the train pipeline's config and the Train page's form both start from them, and
// shared/ is the one layer both may import.

export type LrScheduler = 'constant' | 'constant_with_warmup';

/**
 * nataili's lr_scheduler "constant" ignores lr_warmup_steps (diffusers' get_scheduler), so the
 * default run has no warmup; "constant_with_warmup" uses the 500 steps. nataili uses 8-bit AdamW;
 * ours keeps full-precision moments.
 */
export const NATAILI_DREAMBOOTH_DEFAULTS = Object.freeze({
  lora: Object.freeze({ rank: 4, alpha: 4, dropout: 0.1 }),
  learningRate: 1e-4,
  textLearningRate: 5e-6,
  lrScheduler: 'constant' as LrScheduler,
  lrWarmupSteps: 500,
  beta1: 0.9,
  beta2: 0.999,
  weightDecay: 1e-2,
  epsilon: 1e-8,
  maxGradNorm: 1,
  batchSize: 1,
  resolution: 512,
  seed: 69,
  trainTextEncoder: true,
  saveSteps: 500,
  captionDropout: 0.04,
  flipP: 0,
  cropJitter: 20,
  epochs: 1,
  maxTrainSteps: null as number | null,
  prediction: 'epsilon' as 'epsilon' | 'v',
});
