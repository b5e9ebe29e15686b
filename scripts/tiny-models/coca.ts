// Mirrors OpenCLIP CoCa (coca_ViT-L-14) split the way scripts/export/coca_onnx.py exports it:
// vision_model.onnx (the ViT with CoCa's attentional pooler: learned queries cross-attend to the
// patch tokens; the first query is the contrastive embedding, the rest the decoder's image tokens)
// and text_decoder.onnx (the causal text tower, then the multimodal decoder that cross-attends to
// the image tokens, then the vocabulary head).

import { attention, causalMask } from '../onnx/attention.ts';
import { embedding, layerNorm, linear, positionEmbedding } from '../onnx/linear.ts';
import { add, dimOf, Net } from '../onnx/net.ts';
import { firstToken, mlp, patchEmbeddings, preNormEncoder } from '../onnx/transformer.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface CocaVisionOptions extends SeedOption {
  imageSize?: number;
  patch?: number;
  width?: number;
  heads?: number;
  layers?: number;
  /** Attentional pooler queries (256 in coca_ViT-L-14): 1 embedding + queries − 1 image tokens. */
  queries?: number;
  /** Pooler and embedding width (768 in coca_ViT-L-14). */
  embedDim?: number;
}

/**
 * pixel_values float32 [batch_size, 3, S, S] → image_embeds float32 [batch_size, embedDim],
 * image_tokens float32 [batch_size, queries − 1, embedDim].
 */
export function buildCocaVision(o: CocaVisionOptions = {}): Uint8Array {
  const size = o.imageSize ?? 224;
  const width = o.width ?? 16;
  const embedDim = o.embedDim ?? 16;
  const queries = o.queries ?? 8;
  const heads = o.heads ?? 2;
  const n = new Net('coca_vision_model', o.seed ?? DEFAULT_SEED);
  const pixels = n.input('pixel_values', 'float32', ['batch_size', 3, size, size]);
  const embedded = layerNorm(n, patchEmbeddings(n, pixels, { imageSize: size, patch: o.patch ?? 32, width, bias: false }), width);
  const hidden = preNormEncoder(n, embedded, { width, heads, layers: o.layers ?? 2, activation: 'gelu' });
  // open_clip's AttentionalPooler: LN on the tokens (ln_k) and on the queries (ln_q), one
  // multi-head attention from the queries (embedDim) to the tokens (width), then ln_post.
  const queryShape = n.op('Concat', [dimOf(n, pixels, 0), n.ints([queries, embedDim])], { axis: 0 });
  const learned = n.op('Expand', [n.weight('pooler_queries', [1, queries, embedDim], 1), queryShape]);
  const pooled = attention(n, layerNorm(n, learned, embedDim), layerNorm(n, hidden, width), { dim: embedDim, heads, contextDim: width });
  const post = layerNorm(n, pooled, embedDim);
  n.output(linear(n, firstToken(n, post), embedDim, embedDim, false), 'image_embeds', 'float32', ['batch_size', embedDim]);
  const tokens = n.op('Slice', [post, n.ints([1]), n.ints([queries]), n.ints([1])]);
  n.output(tokens, 'image_tokens', 'float32', ['batch_size', queries - 1, embedDim]);
  return n.bytes();
}

export interface CocaTextDecoderOptions extends SeedOption {
  /** CLIP's BPE vocabulary (49408). */
  vocab?: number;
  maxPositions?: number;
  width?: number;
  heads?: number;
  textLayers?: number;
  decoderLayers?: number;
  /** Width of the image tokens. */
  imageDim?: number;
}

/**
 * input_ids int64 [batch_size, sequence_length], image_tokens float32 [batch_size, image_tokens, imageDim]
 * → logits float32 [batch_size, sequence_length, vocab].
 */
export function buildCocaTextDecoder(o: CocaTextDecoderOptions = {}): Uint8Array {
  const vocab = o.vocab ?? 49408;
  const width = o.width ?? 16;
  const heads = o.heads ?? 2;
  const imageDim = o.imageDim ?? 16;
  const n = new Net('coca_text_decoder', o.seed ?? DEFAULT_SEED);
  const ids = n.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const image = n.input('image_tokens', 'float32', ['batch_size', 'image_tokens', imageDim]);

  const tokens = embedding(n, ids, vocab, width);
  const mask = causalMask(n, ids);
  // Unimodal text tower (CoCa generates with embed_cls=False: no class token appended).
  let h = preNormEncoder(n, add(n, tokens.value, positionEmbedding(n, ids, o.maxPositions ?? 77, width)), { width, heads, layers: o.textLayers ?? 1, mask, activation: 'gelu' });
  h = layerNorm(n, h, width);
  // Multimodal decoder: causal self-attention, cross-attention to the image, MLP; pre-LN residuals.
  const context = layerNorm(n, image, imageDim);
  for (let i = 0; i < (o.decoderLayers ?? 1); i++) {
    h = add(n, h, attention(n, layerNorm(n, h, width), undefined, { dim: width, heads, mask }));
    h = add(n, h, attention(n, layerNorm(n, h, width), context, { dim: width, heads, contextDim: imageDim }));
    h = add(n, h, mlp(n, layerNorm(n, h, width), width, width * 4, 'gelu'));
  }
  // The head is tied to the token table here to keep the fixture small (CoCa's own is separate).
  const logits = n.op('MatMul', [layerNorm(n, h, width), n.op('Transpose', [tokens.table], { perm: [1, 0] })]);
  n.output(logits, 'logits', 'float32', ['batch_size', 'sequence_length', vocab]);
  return n.bytes();
}
