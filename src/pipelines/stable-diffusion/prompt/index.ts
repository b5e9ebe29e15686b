// One call from a raw nataili prompt to the token chunks of both halves of classifier-free guidance.

import { matchChunkCounts, tokenChunks, type ChunkOptions, type ClipTokens, type TokenChunk, type Tokenize } from './chunks.ts';
import { parseAttention, splitNegative } from './parse.ts';

export interface PreparedPrompt {
  positive: TokenChunk[];
  negative: TokenChunk[];
  /** Prompt tokens of the positive prompt (what a UI shows as "n / 75"). */
  tokenCount: number;
}

/** "prompt ### negative" → chunks of equal count for cond and uncond (the negative may be empty). */
export function preparePrompt(prompt: string, tokenize: Tokenize, spec: ClipTokens, options: ChunkOptions = {}): PreparedPrompt {
  const { positive, negative } = splitNegative(prompt);
  const cond = tokenChunks(parseAttention(positive), tokenize, spec, options);
  const uncond = tokenChunks(parseAttention(negative), tokenize, spec, options);
  const [a, b] = matchChunkCounts(cond.chunks, uncond.chunks, spec);
  return { positive: a, negative: b, tokenCount: cond.tokenCount };
}

export * from './chunks.ts';
export * from './emphasis.ts';
export * from './parse.ts';
