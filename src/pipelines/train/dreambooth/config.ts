// DreamBooth-LoRA settings with nataili's defaults (train/dreambooth/dreambooth_lora.py train()).

import { NATAILI_DREAMBOOTH_DEFAULTS, type LrScheduler } from '../../../shared/dreambooth-defaults.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import type { LoraConfig } from '../lora/lora.ts';

export type { LrScheduler };

export interface DreamBoothConfig {
  lora: LoraConfig;
  learningRate: number;
  /** nataili's learning_rate_text. */
  textLearningRate: number;
  lrScheduler: LrScheduler;
  lrWarmupSteps: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  epsilon: number;
  maxGradNorm: number;
  batchSize: number;
  resolution: number;
  seed: number;
  trainTextEncoder: boolean;
  /** A checkpoint every this many steps (0: only when paused or finished). */
  saveSteps: number;
  /** nataili's conditional_dropout: the caption is replaced by an empty one this often. */
  captionDropout: number;
  flipP: number;
  cropJitter: number;
  epochs: number;
  /** Overrides epochs × batches per epoch when set. */
  maxTrainSteps: number | null;
  prediction: 'epsilon' | 'v';
}

/** nataili's defaults, from shared/dreambooth-defaults.ts (the Train page's form starts from the same). */
export const NATAILI_DREAMBOOTH: DreamBoothConfig = { ...NATAILI_DREAMBOOTH_DEFAULTS, lora: { ...NATAILI_DREAMBOOTH_DEFAULTS.lora } };

export function dreamBoothConfig(overrides: Partial<Omit<DreamBoothConfig, 'lora'>> & { lora?: Partial<LoraConfig> } = {}): DreamBoothConfig {
  const config: DreamBoothConfig = { ...NATAILI_DREAMBOOTH, ...overrides, lora: { ...NATAILI_DREAMBOOTH.lora, ...overrides.lora } };
  const positive: (keyof DreamBoothConfig)[] = ['learningRate', 'batchSize', 'resolution', 'epochs', 'maxGradNorm'];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !(value > 0)) throw new InvalidInputError(`${key} must be a positive number; got ${String(value)}.`);
  }
  if (!Number.isInteger(config.batchSize)) throw new InvalidInputError(`The batch size must be a whole number; got ${config.batchSize}.`);
  if (config.captionDropout < 0 || config.captionDropout > 1 || config.flipP < 0 || config.flipP > 1 || config.lora.dropout < 0 || config.lora.dropout >= 1) {
    throw new InvalidInputError('Dropout and flip probabilities must lie between 0 and 1.');
  }
  if (config.maxTrainSteps !== null && (!Number.isInteger(config.maxTrainSteps) || config.maxTrainSteps < 1)) {
    throw new InvalidInputError(`maxTrainSteps must be a whole number of steps; got ${config.maxTrainSteps}.`);
  }
  return config;
}

/** The learning-rate factor for optimizer step `step` (0-based), as diffusers' LambdaLR gives it. */
export function lrFactor(config: Pick<DreamBoothConfig, 'lrScheduler' | 'lrWarmupSteps'>, step: number): number {
  if (config.lrScheduler === 'constant' || step >= config.lrWarmupSteps) return 1;
  return step / Math.max(1, config.lrWarmupSteps);
}
