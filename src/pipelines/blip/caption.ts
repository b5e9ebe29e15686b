// Port of nataili blip/caption.py (Caption) over split ONNX models: the vision encoder's
// last_hidden_state is what the text decoder cross-attends to. Conventions of Hugging Face's
// BlipForConditionalGeneration: the prompt ("a picture of ") is tokenised without [CLS]/[SEP],
// led by the decoder's start token [DEC] (30522); [SEP] (102) ends the caption; [PAD] is 0.
import type { TensorData } from '../../runtime/tensor.ts';
import { NatailiError } from '../../shared/errors.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import type { ModelRun } from '../clip/embed.ts';
import { BLIP_IMAGE_CONFIG, preprocessImages, type ImageProcessorConfig } from '../clip/preprocess.ts';
import type { Tokenizer } from '../tokenizers/load.ts';
import { idsBatch, lastLogits, repeatRows } from './decoder-io.ts';
import { generate } from './generate.ts';
import { CAPTION_PRESETS, type CaptionPreset, type DecoderStep, type GenerationOptions } from './types.ts';

export interface BlipTokens {
  bosTokenId: number;
  eosTokenId: number;
  padTokenId: number;
}

export const BLIP_TOKENS: BlipTokens = { bosTokenId: 30522, eosTokenId: 102, padTokenId: 0 };
/** BLIP's captioning prompt; the caption is what follows it. */
export const BLIP_PROMPT = 'a picture of ';

export interface BlipIoNames {
  pixelValues: string;
  imageHidden: string;
  inputIds: string;
  attentionMask: string;
  encoderHidden: string;
  logits: string;
}

export const BLIP_IO: BlipIoNames = {
  pixelValues: 'pixel_values',
  imageHidden: 'last_hidden_state',
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  encoderHidden: 'encoder_hidden_states',
  logits: 'logits',
};

export interface BlipModel {
  id: string;
  vision: ModelRun;
  /** input_ids, attention_mask, encoder_hidden_states → logits [rows, length, vocab] (no past key values). */
  decoder: ModelRun;
  /** The model's own tokenizer.json (BERT WordPiece plus BLIP's added tokens). */
  tokenizer: Tokenizer;
  image?: ImageProcessorConfig;
  tokens?: Partial<BlipTokens>;
  io?: Partial<BlipIoNames>;
}

export interface CaptionOptions {
  /** Starting settings; default 'horde'. */
  preset?: CaptionPreset;
  /** Overrides on top of the preset. */
  generation?: Partial<GenerationOptions>;
  /** Default "a picture of "; '' captions without a prompt. */
  prompt?: string;
  signal?: AbortSignal;
  /** A 'step' per generated token. */
  onProgress?: ProgressCallback;
}

export interface Caption {
  text: string;
  /** Every id: start token, prompt, caption, end token. */
  ids: number[];
  /** Beam search's length-normalised log-probability of the caption. */
  score?: number;
}

function names(model: BlipModel): BlipIoNames {
  return { ...BLIP_IO, ...model.io };
}

function tokensOf(model: BlipModel): BlipTokens {
  return { ...BLIP_TOKENS, ...model.tokens };
}

/** [DEC] then the prompt's word pieces: HF tokenises "[CLS] prompt [SEP]", swaps [CLS] for [DEC] and drops [SEP]. */
export function promptIds(tokenizer: Tokenizer, prompt: string, bosTokenId: number): number[] {
  const body = prompt.trim() === '' ? [] : tokenizer.encode(prompt, { add_special_tokens: false }).ids;
  return [bosTokenId, ...body];
}

/** The image's encoder state, [1, tokens, width]. */
export async function encodeImage(model: BlipModel, image: RgbaImage, signal?: AbortSignal): Promise<TensorData<'float32'>> {
  const io = names(model);
  const pixels = preprocessImages([image], model.image ?? BLIP_IMAGE_CONFIG);
  const outputs = await model.vision({ [io.pixelValues]: { type: 'float32', dims: [...pixels.dims], data: pixels.data } }, signal);
  const hidden = outputs[io.imageHidden];
  if (!hidden || hidden.type !== 'float32' || hidden.dims.length !== 3) {
    throw new NatailiError('model', `The BLIP vision model must return float32 "${io.imageHidden}" [1, tokens, width]; check the catalog's output names.`);
  }
  return hidden as TensorData<'float32'>;
}

/** Runs the decoder on all rows (equal lengths) and keeps the last position's logits of each. */
export function decoderStep(model: BlipModel, signal?: AbortSignal): DecoderStep<TensorData<'float32'>> {
  const io = names(model);
  return async (rows, hidden) => {
    const ids = idsBatch(rows);
    const outputs = await model.decoder(
      {
        [io.inputIds]: ids,
        [io.attentionMask]: { type: 'int64', dims: [...ids.dims], data: new BigInt64Array(ids.data.length).fill(1n) },
        [io.encoderHidden]: repeatRows(hidden, rows.length),
      },
      signal,
    );
    return lastLogits(outputs, io.logits, rows.length, 'BLIP');
  };
}

/** Settings from a preset plus overrides. */
export function captionSettings(options: CaptionOptions = {}): GenerationOptions {
  const base = CAPTION_PRESETS[options.preset ?? 'horde'];
  return { ...base, ...options.generation };
}

/** A caption for one image. */
export async function caption(model: BlipModel, image: RgbaImage, options: CaptionOptions = {}): Promise<Caption> {
  const tokens = tokensOf(model);
  const prompt = promptIds(model.tokenizer, options.prompt ?? BLIP_PROMPT, tokens.bosTokenId);
  const hidden = await encodeImage(model, image, options.signal);
  const result = await generate(decoderStep(model, options.signal), hidden, prompt, captionSettings(options), tokens, {
    signal: options.signal,
    onProgress: options.onProgress,
  });
  // nataili cuts the prompt text off the decoded caption; decoding only the new ids does the same.
  const generated = result.ids.slice(prompt.length).filter((id) => id !== tokens.eosTokenId && id !== tokens.padTokenId);
  const text = generated.length ? model.tokenizer.decode(generated, { skip_special_tokens: true }).trim() : '';
  return { text, ids: result.ids, ...(result.score === undefined ? {} : { score: result.score }) };
}
