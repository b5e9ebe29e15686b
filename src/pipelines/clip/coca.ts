// OpenCLIP CoCa captioning. Port of nataili clip/coca.py (CoCa.__call__: open_clip's
// model.generate(image), then decode, cut at <end_of_text>, drop <start_of_text>) over a split
// ONNX export, the layout scripts/export/coca_onnx.py writes:
//   vision_model:  pixel_values [b, 3, 224, 224] → image_embeds [b, D] (contrastive, projected),
//                  image_tokens [b, 255, D] (the attentional pooler's other queries)
//   text_decoder:  input_ids int64 [b, s], image_tokens [b, 255, D] → logits [b, s, 49408]
//                  (the causal text tower, then the multimodal decoder; no past key values)
// Decoding reuses the BLIP generation loop: CoCa speaks CLIP's BPE, starts at <start_of_text>
// (49406) and stops at <end_of_text> (49407), with 0 as padding.
import type { TensorData } from '../../runtime/tensor.ts';
import { InvalidInputError, NatailiError } from '../../shared/errors.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import { idsBatch, lastLogits, repeatRows } from '../blip/decoder-io.ts';
import { generate } from '../blip/generate.ts';
import type { DecoderStep, GenerationOptions } from '../blip/types.ts';
import { CLIP_CONTEXT_LENGTH, type ClipTokenizer } from '../tokenizers/clip.ts';
import type { ModelRun } from './embed.ts';
import { l2Normalize } from './math.ts';
import { CLIP_IMAGE_CONFIG, preprocessImages, type ImageProcessorConfig } from './preprocess.ts';

export interface CocaIoNames {
  pixelValues: string;
  imageEmbeds: string;
  imageTokens: string;
  inputIds: string;
  /** The decoder's input for the image tokens. */
  decoderImageTokens: string;
  logits: string;
}

export const COCA_IO: CocaIoNames = {
  pixelValues: 'pixel_values',
  imageEmbeds: 'image_embeds',
  imageTokens: 'image_tokens',
  inputIds: 'input_ids',
  decoderImageTokens: 'image_tokens',
  logits: 'logits',
};

export interface CocaModel {
  id: string;
  vision: ModelRun;
  decoder: ModelRun;
  /** CLIP's BPE tokenizer (OpenCLIP's SimpleTokenizer has the same vocabulary and ids). */
  tokenizer: ClipTokenizer;
  image?: ImageProcessorConfig;
  io?: Partial<CocaIoNames>;
}

/**
 * nataili's call, open_clip 2.1x's generate() defaults: beam search over 6 beams in 3 groups, no
 * diversity penalty, min length 5, max 30, no repetition penalty. Groups without a diversity
 * penalty are three copies of the same 2-beam search, so 2 beams give the same sequences at a third
 * of the cost. One difference remains: open_clip ranks beams by summed raw logits, we (as Hugging
 * Face does) by summed log-probabilities, so a caption can differ from nataili's on the same weights.
 */
export const COCA_BEAM: GenerationOptions = { method: 'beam', numBeams: 2, minLength: 5, maxLength: 30, repetitionPenalty: 1 };
/** Greedy: the fastest caption (one decoder run per token). */
export const COCA_GREEDY: GenerationOptions = { method: 'greedy', minLength: 5, maxLength: 30, repetitionPenalty: 1 };
/** open_clip's top_p generation type with its threshold 0.9, seeded. */
export const COCA_SAMPLE: GenerationOptions = { method: 'sample', topP: 0.9, topK: 0, minLength: 5, maxLength: 30, repetitionPenalty: 1 };

export const COCA_PRESETS = { coca: COCA_BEAM, greedy: COCA_GREEDY, sample: COCA_SAMPLE } as const;
export type CocaPreset = keyof typeof COCA_PRESETS;

export interface CocaOptions {
  preset?: CocaPreset;
  generation?: Partial<GenerationOptions>;
  signal?: AbortSignal;
  /** A 'step' per generated token. */
  onProgress?: ProgressCallback;
}

export interface CocaCaption {
  text: string;
  /** <start_of_text>, the caption's ids, and <end_of_text> unless the length ran out. */
  ids: number[];
  score?: number;
  /** The image's unit CoCa embedding (its contrastive image_embeds), for similarity or caching. */
  embedding: Float32Array;
}

function names(model: CocaModel): CocaIoNames {
  return { ...COCA_IO, ...model.io };
}

export interface CocaImage {
  embedding: Float32Array;
  tokens: TensorData<'float32'>;
}

/** The vision model's two outputs for one image. */
export async function encodeCocaImage(model: CocaModel, image: RgbaImage, signal?: AbortSignal): Promise<CocaImage> {
  const io = names(model);
  const pixels = preprocessImages([image], model.image ?? CLIP_IMAGE_CONFIG);
  const out = await model.vision({ [io.pixelValues]: { type: 'float32', dims: [...pixels.dims], data: pixels.data } }, signal);
  const tokens = out[io.imageTokens];
  const embeds = out[io.imageEmbeds];
  if (!tokens || tokens.type !== 'float32' || tokens.dims.length !== 3 || tokens.dims[0] !== 1) {
    throw new NatailiError('model', `The CoCa vision model must return float32 "${io.imageTokens}" [1, tokens, width]; check the catalog's output names.`);
  }
  if (!embeds || embeds.type !== 'float32' || embeds.dims.length !== 2) {
    throw new NatailiError('model', `The CoCa vision model must return float32 "${io.imageEmbeds}" [1, dim]; check the catalog's output names.`);
  }
  return { embedding: l2Normalize(embeds.data as Float32Array), tokens: tokens as TensorData<'float32'> };
}

/** One decoder run over every row (equal lengths): each row's last-position logits. */
export function cocaDecoderStep(model: CocaModel, signal?: AbortSignal): DecoderStep<TensorData<'float32'>> {
  const io = names(model);
  return async (rows, tokens) => {
    const out = await model.decoder({ [io.inputIds]: idsBatch(rows), [io.decoderImageTokens]: repeatRows(tokens, rows.length) }, signal);
    return lastLogits(out, io.logits, rows.length, 'CoCa');
  };
}

export function cocaSettings(options: CocaOptions = {}): GenerationOptions {
  const settings = { ...COCA_PRESETS[options.preset ?? 'coca'], ...options.generation };
  // The text tower has 77 positions (CLIP's context): a longer sequence would index past them.
  if (settings.maxLength > CLIP_CONTEXT_LENGTH) {
    throw new InvalidInputError(`CoCa reads at most ${CLIP_CONTEXT_LENGTH} tokens; a maximum length of ${settings.maxLength} cannot be generated.`);
  }
  return settings;
}

/** A caption for one image. */
export async function cocaCaption(model: CocaModel, image: RgbaImage, options: CocaOptions = {}): Promise<CocaCaption> {
  const settings = cocaSettings(options);
  // 49406 and 49407 in CLIP's vocabulary; read from the tokenizer in case a file numbers them otherwise.
  const sot = model.tokenizer.bosId;
  const eot = model.tokenizer.eosId;
  const encoded = await encodeCocaImage(model, image, options.signal);
  const result = await generate(cocaDecoderStep(model, options.signal), encoded.tokens, [sot], settings, { eosTokenId: eot, padTokenId: 0 }, {
    signal: options.signal,
    onProgress: options.onProgress,
  });
  // ClipTokenizer.decode keeps what lies between the start token and the first end token, as
  // nataili's split("<end_of_text>")[0].replace("<start_of_text>", "") does.
  const text = model.tokenizer.decode(result.ids);
  return { text, ids: result.ids, embedding: encoded.embedding, ...(result.score === undefined ? {} : { score: result.score }) };
}
