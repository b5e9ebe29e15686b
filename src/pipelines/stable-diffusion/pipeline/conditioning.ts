// Prompt → the UNet's encoder_hidden_states for both halves of guidance. Each 75-token chunk is
// encoded on its own (BOS + tokens + EOS + padding), its token weights applied, and the chunks
// concatenated along the token axis, as AUTOMATIC1111 does for long prompts (nataili's
// get_learned_conditioning_with_prompt_weights weighs sub-prompts instead; the Horde's users
// write A1111's syntax, which prompt/ parses).

import { tensor } from '../../../runtime/tensor.ts';
import { NatailiError } from '../../../shared/errors.ts';
import { throwIfAborted } from '../../../shared/progress.ts';
import { preparePrompt, SD1_TOKENS, SD2_TOKENS, type TokenChunk } from '../prompt/index.ts';
import { applyTokenWeights, clipOutputPlan } from '../prompt/emphasis.ts';
import type { SdModels } from './types.ts';

export interface Conditioning {
  /** One image's conditioning: sequence × hiddenSize. */
  cond: Float32Array;
  uncond: Float32Array;
  sequence: number;
  hiddenSize: number;
  tokenCount: number;
  notes: string[];
}

/** "prompt ### negative" with an extra negative prompt joined to the part after ###. */
export function joinPrompt(prompt: string, negative?: string): string {
  const extra = negative?.trim();
  if (!extra) return prompt;
  return prompt.includes('###') ? `${prompt}, ${extra}` : `${prompt} ### ${extra}`;
}

async function encodeChunks(models: SdModels, chunks: TokenChunk[], signal?: AbortSignal): Promise<{ hidden: Float32Array; dims: number }> {
  const length = chunks[0]!.ids.length;
  const step = models.textInfo.fixedBatch ?? chunks.length;
  const parts: Float32Array[] = [];
  let dims = 0;
  for (let first = 0; first < chunks.length; first += step) {
    throwIfAborted(signal);
    const slice = chunks.slice(first, first + step);
    while (slice.length < step) slice.push(slice[slice.length - 1]!); // a fixed batch: pad with a repeat, dropped below
    const ids = slice.flatMap((chunk) => chunk.ids);
    const feed =
      models.textInfo.idsType === 'int64' ? tensor('int64', BigInt64Array.from(ids.map(BigInt)), [step, length]) : tensor('int32', Int32Array.from(ids), [step, length]);
    const { last_hidden_state: hidden } = await models.textEncoder({ input_ids: feed });
    if (!hidden || hidden.dims.length !== 3) throw new NatailiError('model', 'The text encoder gave no last_hidden_state [batch, tokens, dims] output.');
    dims = hidden.dims[2]!;
    const data = hidden.data as Float32Array;
    const used = Math.min(step, chunks.length - first);
    parts.push(data.slice(0, used * length * dims));
  }
  const hidden = new Float32Array(chunks.length * length * dims);
  let at = 0;
  for (const part of parts) {
    hidden.set(part, at);
    at += part.length;
  }
  return { hidden, dims };
}

export async function encodePrompt(models: SdModels, prompt: string, options: { clipSkip?: number; signal?: AbortSignal } = {}): Promise<Conditioning> {
  const spec = models.family === 'sd2' ? SD2_TOKENS : SD1_TOKENS;
  const prepared = preparePrompt(prompt, models.tokenize, spec);
  const all = [...prepared.positive, ...prepared.negative];
  const { hidden, dims } = await encodeChunks(models, all, options.signal);
  const length = all[0]!.ids.length;
  all.forEach((chunk, i) => applyTokenWeights(hidden.subarray(i * length * dims, (i + 1) * length * dims), chunk.weights, dims));
  const half = prepared.positive.length * length * dims;
  const notes: string[] = [];
  const plan = clipOutputPlan(models.family, options.clipSkip ?? 1);
  // ONNX text encoders export only the final layer's output. SD 2's export already ends at the
  // penultimate layer (diffusers keeps 23 of OpenCLIP's 24), which is what its plan asks for.
  if (models.family === 'sd1' && plan.layerFromEnd > 1) notes.push(`clip_skip ${options.clipSkip} was not applied: this text encoder export has only its last layer's output.`);
  return { cond: hidden.slice(0, half), uncond: hidden.slice(half), sequence: prepared.positive.length * length, hiddenSize: dims, tokenCount: prepared.tokenCount, notes };
}

/** One image's conditioning repeated for a batch of `images`. */
export function repeatForBatch(single: Float32Array, images: number): Float32Array {
  const out = new Float32Array(single.length * images);
  for (let i = 0; i < images; i++) out.set(single, i * single.length);
  return out;
}
