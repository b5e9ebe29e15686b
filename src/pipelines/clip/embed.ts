// CLIP / OpenCLIP embeddings from split vision and text models (transformers.js' export:
// CLIPVisionModelWithProjection → image_embeds, CLIPTextModelWithProjection → text_embeds).
// The sessions stay outside: a model is two `run` functions, so Node tests drive the same code
// with tiny models or fakes. Every embedding comes back L2-normalised.
import type { TensorData } from '../../runtime/tensor.ts';
import { InvalidInputError, NatailiError } from '../../shared/errors.ts';
import { batchTensors } from '../../shared/image/normalize.ts';
import type { PlanarTensor, RgbaImage } from '../../shared/image/types.ts';
import { throwIfAborted, type ProgressCallback } from '../../shared/progress.ts';
import type { ClipPadding, ClipTokenizer } from '../tokenizers/clip.ts';
import { normalizeRows } from './math.ts';
import { CLIP_IMAGE_CONFIG, preprocessImages, type ImageProcessorConfig } from './preprocess.ts';

/** One model call: named inputs to named outputs (what runtime's ModelSession.run does). */
export type ModelRun = (feeds: Record<string, TensorData>, signal?: AbortSignal) => Promise<Record<string, TensorData>>;

export interface ClipTextConfig {
  contextLength: number;
  padding: ClipPadding;
  /** transformers.js exports take int64 ids; diffusers' SD text encoders int32. */
  idsType: 'int64' | 'int32';
  /** Feed attention_mask too (Optimum's CLIP export has input_ids only). */
  attentionMask: boolean;
}

/** OpenAI CLIP through Hugging Face (also SD 1.x's text encoder). */
export const OPENAI_CLIP_TEXT: ClipTextConfig = { contextLength: 77, padding: 'eos', idsType: 'int64', attentionMask: false };
/** OpenCLIP (LAION ViT-H/14, ViT-bigG, SD 2.x). */
export const OPENCLIP_TEXT: ClipTextConfig = { contextLength: 77, padding: 'zero', idsType: 'int64', attentionMask: false };

export interface ClipIoNames {
  pixelValues: string;
  imageEmbeds: string;
  inputIds: string;
  attentionMask: string;
  textEmbeds: string;
}

export const CLIP_IO: ClipIoNames = {
  pixelValues: 'pixel_values',
  imageEmbeds: 'image_embeds',
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  textEmbeds: 'text_embeds',
};

export interface ClipModel {
  /** Names the embedding space: cache keys start with it, so two models never share entries. */
  id: string;
  vision: ModelRun;
  text: ModelRun;
  tokenizer: ClipTokenizer;
  image?: ImageProcessorConfig;
  textConfig?: ClipTextConfig;
  io?: Partial<ClipIoNames>;
  /** Largest batch the exported graphs accept (1 for fixed-batch exports); default 16. */
  maxBatch?: number;
}

export interface EmbedOptions {
  /** Items per model call; default min(model.maxBatch, 8 images / 32 texts). */
  batchSize?: number;
  signal?: AbortSignal;
  /** A 'step' per batch. */
  onProgress?: ProgressCallback;
}

function io(model: ClipModel): ClipIoNames {
  return { ...CLIP_IO, ...model.io };
}

/** The [rows, dim] float32 output, as unit vectors. */
function embeddingsOf(outputs: Record<string, TensorData>, name: string, rows: number): Float32Array[] {
  const out = outputs[name];
  if (!out) throw new NatailiError('model', `The model has no output "${name}" (it has ${Object.keys(outputs).join(', ') || 'none'}). Check the catalog's output names.`);
  if (out.type !== 'float32') throw new NatailiError('model', `Output "${name}" is ${out.type}; embeddings must come back as float32.`);
  const dim = out.dims[out.dims.length - 1] ?? 0;
  if (out.dims.length !== 2 || out.dims[0] !== rows) {
    throw new NatailiError('model', `Output "${name}" has shape [${out.dims.join(', ')}]; expected [${rows}, dim]. Is this a CLIP model *with projection*?`);
  }
  return normalizeRows(out.data as Float32Array, rows, dim);
}

function batchSizeFor(model: ClipModel, options: EmbedOptions, fallback: number): number {
  const size = Math.min(options.batchSize ?? fallback, model.maxBatch ?? 16);
  if (!Number.isInteger(size) || size < 1) throw new InvalidInputError(`Batch size must be a positive whole number; got ${size}.`);
  return size;
}

async function inBatches<T>(items: readonly T[], size: number, options: EmbedOptions, run: (batch: readonly T[]) => Promise<Float32Array[]>): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const count = Math.ceil(items.length / size);
  for (let b = 0; b < count; b++) {
    throwIfAborted(options.signal);
    out.push(...(await run(items.slice(b * size, (b + 1) * size))));
    options.onProgress?.({ kind: 'step', index: b + 1, count });
  }
  return out;
}

/** Embeds already preprocessed [1, 3, H, W] tensors (see preprocess.ts), batched. */
export async function embedPixelTensors(model: ClipModel, tensors: readonly PlanarTensor[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const names = io(model);
  return inBatches(tensors, batchSizeFor(model, options, 8), options, async (batch) => {
    const pixels = batchTensors(batch);
    const outputs = await model.vision({ [names.pixelValues]: { type: 'float32', dims: [...pixels.dims], data: pixels.data } }, options.signal);
    return embeddingsOf(outputs, names.imageEmbeds, batch.length);
  });
}

/** Resize, crop and normalise as the model's processor says, then embed. */
export async function embedImages(model: ClipModel, images: readonly RgbaImage[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const config = model.image ?? CLIP_IMAGE_CONFIG;
  return embedPixelTensors(model, images.map((image) => preprocessImages([image], config)), options);
}

/** Tokenise (77 ids, the model's padding) and embed, batched. */
export async function embedTexts(model: ClipModel, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const names = io(model);
  const config = model.textConfig ?? OPENAI_CLIP_TEXT;
  return inBatches(texts, batchSizeFor(model, options, 32), options, async (batch) => {
    const tokens = model.tokenizer.encodeBatch(batch, { contextLength: config.contextLength, padding: config.padding });
    const ids: TensorData =
      config.idsType === 'int32'
        ? { type: 'int32', dims: [...tokens.dims], data: Int32Array.from(tokens.inputIds, Number) }
        : { type: 'int64', dims: [...tokens.dims], data: tokens.inputIds };
    const feeds: Record<string, TensorData> = { [names.inputIds]: ids };
    if (config.attentionMask) feeds[names.attentionMask] = { type: 'int64', dims: [...tokens.dims], data: tokens.attentionMask };
    const outputs = await model.text(feeds, options.signal);
    return embeddingsOf(outputs, names.textEmbeds, batch.length);
  });
}
