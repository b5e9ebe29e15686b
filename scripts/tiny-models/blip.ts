// Mirrors Salesforce/blip-image-captioning-base split for ONNX as transformers.js-style exports do:
// vision_model.onnx (BlipVisionModel) and a text decoder without past key values
// (BlipTextLMHeadModel: input_ids, attention_mask, encoder_hidden_states → logits).

import { attention, causalMask, paddingMask } from '../onnx/attention.ts';
import { embedding, layerNorm, linear, positionEmbedding } from '../onnx/linear.ts';
import { add, gelu, Net } from '../onnx/net.ts';
import { firstToken, mlp, patchEmbeddings, preNormEncoder } from '../onnx/transformer.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface BlipVisionOptions extends SeedOption {
  /** BLIP's processor resizes to 384. */
  imageSize?: number;
  patch?: number;
  width?: number;
  heads?: number;
  layers?: number;
}

/**
 * pixel_values float32 [batch_size, 3, S, S] →
 * last_hidden_state float32 [batch_size, (S/patch)²+1, width], pooler_output float32 [batch_size, width].
 * last_hidden_state is what the captioner's decoder cross-attends to (its encoder_hidden_states).
 */
export function buildBlipVision(o: BlipVisionOptions = {}): Uint8Array {
  const size = o.imageSize ?? 384;
  // ViT-B/16 at 384: 577 tokens, the sequence length the real decoder cross-attends to.
  const patch = o.patch ?? 16;
  const width = o.width ?? 16;
  const n = new Net('blip_vision_model', o.seed ?? DEFAULT_SEED);
  const pixels = n.input('pixel_values', 'float32', ['batch_size', 3, size, size]);
  const embedded = patchEmbeddings(n, pixels, { imageSize: size, patch, width, bias: true });
  const encoded = preNormEncoder(n, embedded, { width, heads: o.heads ?? 2, layers: o.layers ?? 2, activation: 'gelu' });
  // BLIP's vision model applies its post-LayerNorm to the whole sequence, then again to the pooled token.
  const hidden = layerNorm(n, encoded, width);
  const tokens = (size / patch) ** 2 + 1;
  n.output(hidden, 'last_hidden_state', 'float32', ['batch_size', tokens, width]);
  n.output(layerNorm(n, firstToken(n, hidden), width), 'pooler_output', 'float32', ['batch_size', width]);
  return n.bytes();
}

export interface BlipTextDecoderOptions extends SeedOption {
  /** bert-base-uncased plus BLIP's added tokens: 30524. Real ids must index the table. */
  vocab?: number;
  maxPositions?: number;
  width?: number;
  heads?: number;
  layers?: number;
  /** Width of the vision model's last_hidden_state. */
  encoderWidth?: number;
}

/**
 * input_ids int64 [batch_size, sequence_length], attention_mask int64 [batch_size, sequence_length],
 * encoder_hidden_states float32 [batch_size, encoder_sequence_length, encoderWidth] →
 * logits float32 [batch_size, sequence_length, vocab].
 * BERT-style post-LN layers: causal self-attention, cross-attention on the image, MLP; the output
 * head is tied to the token table, as BLIP ties it.
 */
export function buildBlipTextDecoder(o: BlipTextDecoderOptions = {}): Uint8Array {
  const vocab = o.vocab ?? 30524;
  const width = o.width ?? 16;
  const heads = o.heads ?? 2;
  const encoderWidth = o.encoderWidth ?? 16;
  const n = new Net('blip_text_decoder', o.seed ?? DEFAULT_SEED);
  const ids = n.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attentionMask = n.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const image = n.input('encoder_hidden_states', 'float32', ['batch_size', 'encoder_sequence_length', encoderWidth]);

  const tokens = embedding(n, ids, vocab, width);
  let h = layerNorm(n, add(n, tokens.value, positionEmbedding(n, ids, o.maxPositions ?? 512, width)), width, 1e-12);
  const mask = add(n, causalMask(n, ids), paddingMask(n, attentionMask));
  for (let i = 0; i < (o.layers ?? 2); i++) {
    h = layerNorm(n, add(n, h, attention(n, h, undefined, { dim: width, heads, mask })), width, 1e-12);
    h = layerNorm(n, add(n, h, attention(n, h, image, { dim: width, heads, contextDim: encoderWidth })), width, 1e-12);
    h = layerNorm(n, add(n, h, mlp(n, h, width, width * 4, 'gelu')), width, 1e-12);
  }
  // BertLMPredictionHead: dense → GELU → LayerNorm → decoder tied to the embeddings, plus a bias.
  const transformed = layerNorm(n, gelu(n, linear(n, h, width, width)), width, 1e-12);
  const tiedDecoder = n.op('Transpose', [tokens.table], { perm: [1, 0] });
  const logits = add(n, n.op('MatMul', [transformed, tiedDecoder]), n.weight('decoder_bias', [vocab], 1, 0.1));
  n.output(logits, 'logits', 'float32', ['batch_size', 'sequence_length', vocab]);
  return n.bytes();
}
