// From weighted text to CLIP token chunks: the text encoder sees at most 77 tokens, so longer
// prompts are cut into chunks of 75 tokens, each wrapped as BOS + tokens + EOS + padding and
// encoded separately (the pipeline concatenates the encodings along the token axis).
// Port of AUTOMATIC1111 modules/sd_hijack_clip.py tokenize_line (textual-inversion embeddings
// are not handled here).

import { isBreak, type PromptPart } from './parse.ts';

/** Token ids of a text without BOS / EOS (the tokenizer engine is supplied by the pipeline). */
export type Tokenize = (text: string) => number[];

export interface ClipTokens {
  bos: number;
  eos: number;
  /** What fills the chunk after EOS: EOS for OpenAI CLIP (SD1), 0 for OpenCLIP (SD2). */
  pad: number;
  /** The id of "," — a chunk that fills up is cut after a recent comma instead (A1111). */
  comma?: number;
}

/** OpenAI CLIP ViT-L/14's tokenizer (SD 1.x): <|startoftext|> 49406, <|endoftext|> 49407, ",</w>" 267. */
export const SD1_TOKENS: ClipTokens = { bos: 49406, eos: 49407, pad: 49407, comma: 267 };
/** OpenCLIP ViT-H/14 (SD 2.x): the same BPE vocabulary, but open_clip.tokenize pads with 0. */
export const SD2_TOKENS: ClipTokens = { bos: 49406, eos: 49407, pad: 0, comma: 267 };

export const CHUNK_LENGTH = 75;

export interface TokenChunk {
  /** 77 ids: BOS, up to 75 prompt tokens, EOS, padding. */
  ids: number[];
  /** One weight per id; 1 for BOS, EOS and padding. */
  weights: number[];
}

export interface ChunkOptions {
  /** Cut at a comma at most this many tokens back when a chunk fills up; 0 turns it off (A1111 default 20). */
  commaBacktrack?: number;
}

/** The chunks of one prompt, and how many prompt tokens it has (A1111's token counter). */
export function tokenChunks(parts: readonly PromptPart[], tokenize: Tokenize, spec: ClipTokens, options: ChunkOptions = {}): { chunks: TokenChunk[]; tokenCount: number } {
  const backtrack = options.commaBacktrack ?? 20;
  const chunks: TokenChunk[] = [];
  let ids: number[] = [];
  let weights: number[] = [];
  let lastComma = -1;
  let tokenCount = 0;

  const close = (isLast = false): void => {
    tokenCount += isLast ? ids.length : CHUNK_LENGTH;
    const padded = [spec.bos, ...ids, spec.eos];
    const paddedWeights = [1, ...weights, 1];
    while (padded.length < CHUNK_LENGTH + 2) {
      padded.push(spec.pad);
      paddedWeights.push(1);
    }
    chunks.push({ ids: padded, weights: paddedWeights });
    ids = [];
    weights = [];
    lastComma = -1;
  };

  for (const part of parts) {
    if (isBreak(part)) {
      close();
      continue;
    }
    for (const token of tokenize(part.text)) {
      if (token === spec.comma) {
        lastComma = ids.length;
      } else if (backtrack !== 0 && ids.length === CHUNK_LENGTH && lastComma !== -1 && ids.length - lastComma <= backtrack) {
        // The chunk is full mid-phrase: move the words after the last comma to the next chunk.
        const movedIds = ids.slice(lastComma + 1);
        const movedWeights = weights.slice(lastComma + 1);
        ids = ids.slice(0, lastComma + 1);
        weights = weights.slice(0, lastComma + 1);
        close();
        ids = movedIds;
        weights = movedWeights;
      }
      if (ids.length === CHUNK_LENGTH) close();
      ids.push(token);
      weights.push(part.weight);
    }
  }
  if (ids.length > 0 || chunks.length === 0) close(true);
  return { chunks, tokenCount };
}

/** A chunk of an empty prompt: what a shorter prompt of a batch is padded with (A1111 empty_chunk). */
export function emptyChunk(spec: ClipTokens): TokenChunk {
  return tokenChunks([{ text: '', weight: 1 }], () => [], spec).chunks[0]!;
}

/**
 * Cond and uncond go through the UNet in one batch, so both need the same number of chunks: the
 * shorter gets empty-prompt chunks appended (A1111's pad_cond_uncond behaviour).
 */
export function matchChunkCounts(a: TokenChunk[], b: TokenChunk[], spec: ClipTokens): [TokenChunk[], TokenChunk[]] {
  const count = Math.max(a.length, b.length);
  const pad = (chunks: TokenChunk[]): TokenChunk[] => [...chunks, ...Array.from({ length: count - chunks.length }, () => emptyChunk(spec))];
  return [pad(a), pad(b)];
}
