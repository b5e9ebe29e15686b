// Trained adapters as a kohya-ss .safetensors LoRA, the dialect AUTOMATIC1111, ComfyUI and our
// own loader (stable-diffusion/lora) read: lora_unet_<module>.lora_down.weight [r, in],
// .lora_up.weight [out, r], .alpha, text-encoder modules under lora_te_; module paths with
// every '.' written '_'. Metadata carries kohya's ss_* keys (rank, alpha, settings), all text.

import { underscoreKey } from '../../stable-diffusion/lora/names.ts';
import type { StoredLora } from '../dreambooth/checkpoint.ts';
import type { DreamBoothConfig } from '../dreambooth/config.ts';
import { writeSafetensors, type TensorToWrite } from './safetensors-write.ts';

export interface LoraExportInfo {
  config: DreamBoothConfig;
  baseModel: string;
  steps: number;
  /** Output name for ss_output_name. */
  name: string;
  /** Stored as float16 (half the size; what kohya saves by default) or float32. */
  precision?: 'fp16' | 'fp32';
}

export function kohyaPrefix(l: Pick<StoredLora, 'component' | 'module'>): string {
  return `${l.component === 'unet' ? 'lora_unet' : 'lora_te'}_${underscoreKey(l.module)}`;
}

export function exportLora(loras: readonly StoredLora[], info: LoraExportInfo): Uint8Array {
  const { config } = info;
  const rank = config.lora.rank;
  const dtype = info.precision === 'fp32' ? 'F32' : 'F16';
  const tensors: TensorToWrite[] = loras.flatMap((l) => {
    const prefix = kohyaPrefix(l);
    return [
      { name: `${prefix}.lora_down.weight`, shape: [rank, l.inFeatures], data: l.down, dtype },
      { name: `${prefix}.lora_up.weight`, shape: [l.outFeatures, rank], data: l.up, dtype },
      { name: `${prefix}.alpha`, shape: [], data: [config.lora.alpha], dtype },
    ];
  });
  const metadata: Record<string, string> = {
    ss_network_module: 'networks.lora',
    ss_network_dim: String(rank),
    ss_network_alpha: String(config.lora.alpha),
    ss_network_dropout: String(config.lora.dropout),
    ss_output_name: info.name,
    ss_sd_model_name: info.baseModel,
    ss_steps: String(info.steps),
    ss_learning_rate: String(config.learningRate),
    ss_unet_lr: String(config.learningRate),
    ss_text_encoder_lr: String(config.trainTextEncoder ? config.textLearningRate : 0),
    ss_lr_scheduler: config.lrScheduler,
    ss_lr_warmup_steps: String(config.lrScheduler === 'constant' ? 0 : config.lrWarmupSteps),
    ss_max_grad_norm: String(config.maxGradNorm),
    ss_batch_size_per_device: String(config.batchSize),
    ss_resolution: `(${config.resolution}, ${config.resolution})`,
    ss_seed: String(config.seed),
    ss_caption_dropout_rate: String(config.captionDropout),
    ss_flip_aug: String(config.flipP > 0),
    ss_v2: 'False',
    ss_training_comment: 'Trained in the browser by Nataili Web (DreamBooth-LoRA, nataili defaults)',
    ss_network_args: JSON.stringify({ prediction: config.prediction, train_text_encoder: config.trainTextEncoder }),
  };
  return writeSafetensors(tensors, metadata);
}
