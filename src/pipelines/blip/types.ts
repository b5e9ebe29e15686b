// Text generation settings and the decoder contract, shared by greedy, beam and sampling.
import type { ProgressCallback } from '../../shared/progress.ts';

/**
 * One decoder call: the next-token logits (one vocab-sized row per sequence) for each sequence of
 * ids, cross-attending to the encoder's state. Every row shares the one image's encoder state;
 * the step function repeats it to the number of rows when the model wants a batch.
 */
export type DecoderStep<E> = (inputIds: readonly (readonly number[])[], encoderHidden: E) => Promise<Float32Array[]>;

export type DecodeMethod = 'greedy' | 'beam' | 'sample';

export interface GenerationOptions {
  method: DecodeMethod;
  /** Longest sequence, prompt included (Hugging Face's max_length, as BLIP and nataili pass it). */
  maxLength: number;
  /** The end token is blocked while the sequence, prompt included, is shorter than this. */
  minLength: number;
  /** > 1 discourages tokens already in the sequence; 1 is off. */
  repetitionPenalty: number;
  /** Beam search: beams kept; 1 is greedy. */
  numBeams?: number;
  /** Beam search: finished scores are sum / length^lengthPenalty; default 1. */
  lengthPenalty?: number;
  /** Beam search: stop once numBeams sequences have finished (HF's default, false, keeps looking while one could still win). */
  earlyStopping?: boolean;
  /** Sampling: nucleus mass kept; default 0.9 (nataili's). */
  topP?: number;
  /** Sampling: only the k likeliest tokens; default 50 (Hugging Face's default); 0 disables. */
  topK?: number;
  /** Sampling: default 1. */
  temperature?: number;
  /** Sampling: the seed of the generator; the same seed gives the same caption. Default 0. */
  seed?: number;
}

/** Everything a decoding loop needs, defaults filled in. */
export interface DecodeSettings {
  maxLength: number;
  minLength: number;
  repetitionPenalty: number;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean;
  topP: number;
  topK: number;
  temperature: number;
  seed: number;
  eosTokenId: number;
  padTokenId: number;
  signal?: AbortSignal;
  /** A 'step' per generated token. */
  onProgress?: ProgressCallback;
}

export interface Generated {
  /** Prompt, generated tokens and the end token (unless maxLength was reached first). */
  ids: number[];
  /** Beam search: the length-normalised log-probability of the winner. */
  score?: number;
}

/** nataili's Caption defaults: nucleus sampling, top_p 0.9, lengths 10–30 (its sampling path fixes the penalty at 1.1). */
export const NATAILI_SAMPLE: GenerationOptions = { method: 'sample', topP: 0.9, minLength: 10, maxLength: 30, repetitionPenalty: 1.1 };
/** nataili's beam-search path (sample=False): 3 beams, lengths 10–30, no penalty. */
export const NATAILI_BEAM: GenerationOptions = { method: 'beam', numBeams: 3, minLength: 10, maxLength: 30, repetitionPenalty: 1 };
/** The AI Horde worker's caption settings: 7 beams, min 20, max min + 30, penalty 1.4. */
export const HORDE_CAPTION: GenerationOptions = { method: 'beam', numBeams: 7, minLength: 20, maxLength: 50, repetitionPenalty: 1.4 };

export const CAPTION_PRESETS = { nataili: NATAILI_SAMPLE, natailiBeam: NATAILI_BEAM, horde: HORDE_CAPTION } as const;
export type CaptionPreset = keyof typeof CAPTION_PRESETS;
