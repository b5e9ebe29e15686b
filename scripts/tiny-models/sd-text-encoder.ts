// Mirrors diffusers scripts/convert_stable_diffusion_checkpoint_to_onnx.py text_encoder/model.onnx:
// input_ids int32 (cast "until the CLIP fix is released") → last_hidden_state, pooler_output.

import { Net } from '../onnx/net.ts';
import { clipTextTower, type ClipTextOptions } from './clip.ts';
import { DEFAULT_SEED } from './options.ts';

export type SdTextEncoderOptions = Omit<ClipTextOptions, 'projection' | 'attentionMask'>;

/**
 * input_ids int32 [batch_size, sequence_length] (77, padded with the end token as SD's tokenizer
 * does) → last_hidden_state float32 [batch_size, sequence_length, width] (the UNet's
 * encoder_hidden_states), pooler_output float32 [batch_size, width].
 */
export function buildSdTextEncoder(o: SdTextEncoderOptions = {}): Uint8Array {
  const n = new Net('sd_text_encoder', o.seed ?? DEFAULT_SEED);
  const { hidden, pooled, width } = clipTextTower(n, { ...o, idsType: o.idsType ?? 'int32' });
  n.output(hidden, 'last_hidden_state', 'float32', ['batch_size', 'sequence_length', width]);
  n.output(pooled, 'pooler_output', 'float32', ['batch_size', width]);
  return n.bytes();
}
