// Mirrors Xenova/clip-vit-base-patch32 onnx/{vision_model,text_model}.onnx (transformers.js
// convert.py --split_modalities: CLIP{Vision,Text}ModelWithProjection with Optimum's configs).

import { causalMask, paddingMask } from '../onnx/attention.ts';
import { embedding, layerNorm, linear, positionEmbedding } from '../onnx/linear.ts';
import { add, Net } from '../onnx/net.ts';
import { firstToken, patchEmbeddings, poolAtMaxToken, preNormEncoder } from '../onnx/transformer.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface ClipVisionOptions extends SeedOption {
  /** Square input side; the real model takes 224. A test may use 32 for speed. */
  imageSize?: number;
  patch?: number;
  width?: number;
  heads?: number;
  layers?: number;
  /** Joint embedding size (512 in ViT-B/32); must match the text model's to compare them. */
  projection?: number;
}

/**
 * pixel_values float32 [batch_size, 3, S, S] (NCHW, CLIP-normalized) →
 * image_embeds float32 [batch_size, projection], last_hidden_state float32 [batch_size, (S/patch)²+1, width].
 */
export function buildClipVision(o: ClipVisionOptions = {}): Uint8Array {
  const size = o.imageSize ?? 224;
  const patch = o.patch ?? 32;
  const width = o.width ?? 32;
  const projection = o.projection ?? 16;
  const n = new Net('clip_vision_model', o.seed ?? DEFAULT_SEED);
  const pixels = n.input('pixel_values', 'float32', ['batch_size', 3, size, size]);
  const embedded = patchEmbeddings(n, pixels, { imageSize: size, patch, width, bias: false });
  // HF CLIP applies a LayerNorm before the encoder ("pre_layrnorm") and one on the pooled token.
  const hidden = preNormEncoder(n, layerNorm(n, embedded, width), { width, heads: o.heads ?? 2, layers: o.layers ?? 2 });
  const pooled = layerNorm(n, firstToken(n, hidden), width);
  const tokens = (size / patch) ** 2 + 1;
  n.output(linear(n, pooled, width, projection, false), 'image_embeds', 'float32', ['batch_size', projection]);
  n.output(hidden, 'last_hidden_state', 'float32', ['batch_size', tokens, width]);
  return n.bytes();
}

export interface ClipTextOptions extends SeedOption {
  /** CLIP's BPE vocabulary (49408): real token ids must index the table. */
  vocab?: number;
  maxPositions?: number;
  width?: number;
  heads?: number;
  layers?: number;
  projection?: number;
  /** Declare an attention_mask input too (Optimum's export has input_ids only). */
  attentionMask?: boolean;
  /** int64 in transformers.js' export; diffusers' SD text encoders use int32. */
  idsType?: 'int64' | 'int32';
}

/** The CLIP text transformer; returns the final hidden states and the pooled (end-token) state. */
export function clipTextTower(n: Net, o: ClipTextOptions): { ids: string; hidden: string; pooled: string; width: number } {
  const width = o.width ?? 16;
  const ids = n.input('input_ids', o.idsType ?? 'int64', ['batch_size', 'sequence_length']);
  const tokens = embedding(n, ids, o.vocab ?? 49408, width).value;
  const x = add(n, tokens, positionEmbedding(n, ids, o.maxPositions ?? 77, width));
  let mask = causalMask(n, ids);
  if (o.attentionMask) {
    const attentionMask = n.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
    mask = add(n, mask, paddingMask(n, attentionMask));
  }
  const encoded = preNormEncoder(n, x, { width, heads: o.heads ?? 2, layers: o.layers ?? 2, mask });
  const hidden = layerNorm(n, encoded, width);
  return { ids, hidden, pooled: poolAtMaxToken(n, hidden, ids), width };
}

/**
 * input_ids int64 [batch_size, sequence_length] (77 from CLIP's tokenizer, any length ≤ 77 works) →
 * text_embeds float32 [batch_size, projection], last_hidden_state float32 [batch_size, sequence_length, width].
 */
export function buildClipText(o: ClipTextOptions = {}): Uint8Array {
  const n = new Net('clip_text_model', o.seed ?? DEFAULT_SEED);
  const { hidden, pooled, width } = clipTextTower(n, o);
  const projection = o.projection ?? 16;
  n.output(linear(n, pooled, width, projection, false), 'text_embeds', 'float32', ['batch_size', projection]);
  n.output(hidden, 'last_hidden_state', 'float32', ['batch_size', 'sequence_length', width]);
  return n.bytes();
}
