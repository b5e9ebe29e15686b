// Autoregressive decoding for one input: greedy, beam search (beam-search.ts) or seeded nucleus
// sampling, with Hugging Face generate()'s processor order, so BLIP captions follow what nataili
// got from transformers.
import { InvalidInputError } from '../../shared/errors.ts';
import { throwIfAborted } from '../../shared/progress.ts';
import { beamSearch } from './beam-search.ts';
import { applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP, argmax, blockEndBeforeMinLength, softmaxRow } from './logits.ts';
import { mulberry32, sampleIndex } from './random.ts';
import type { DecodeSettings, DecoderStep, Generated, GenerationOptions } from './types.ts';

export interface TokenIds {
  eosTokenId: number;
  padTokenId: number;
}

export function settingsFrom(options: GenerationOptions, ids: TokenIds, extra: Pick<DecodeSettings, 'signal' | 'onProgress'> = {}): DecodeSettings {
  const s: DecodeSettings = {
    maxLength: options.maxLength,
    minLength: options.minLength,
    repetitionPenalty: options.repetitionPenalty,
    numBeams: options.method === 'beam' ? (options.numBeams ?? 3) : 1,
    lengthPenalty: options.lengthPenalty ?? 1,
    earlyStopping: options.earlyStopping ?? false,
    topP: options.topP ?? 0.9,
    topK: options.topK ?? 50,
    temperature: options.temperature ?? 1,
    seed: options.seed ?? 0,
    ...ids,
    ...extra,
  };
  const whole = (v: number) => Number.isInteger(v) && v >= 1;
  if (!whole(s.maxLength) || !Number.isInteger(s.minLength) || s.minLength < 0) {
    throw new InvalidInputError(`Lengths must be whole numbers (max ≥ 1, min ≥ 0); got min ${s.minLength}, max ${s.maxLength}.`);
  }
  if (s.minLength > s.maxLength) throw new InvalidInputError(`Minimum length ${s.minLength} is above the maximum ${s.maxLength}.`);
  if (!whole(s.numBeams)) throw new InvalidInputError(`Beams must be a whole number ≥ 1; got ${s.numBeams}.`);
  if (!(s.repetitionPenalty > 0)) throw new InvalidInputError(`Repetition penalty must be above 0 (1 is off); got ${s.repetitionPenalty}.`);
  if (!(s.topP > 0 && s.topP <= 1)) throw new InvalidInputError(`top_p must be in (0, 1]; got ${s.topP}.`);
  if (!(s.temperature > 0)) throw new InvalidInputError(`Temperature must be above 0; got ${s.temperature}.`);
  return s;
}

/** Greedy and sampling share one loop: they differ only in how the next token is picked. */
async function oneByOne<E>(step: DecoderStep<E>, encoder: E, prompt: readonly number[], s: DecodeSettings, sample: boolean): Promise<Generated> {
  const ids = [...prompt];
  const random = mulberry32(s.seed);
  const steps = s.maxLength - prompt.length;
  while (ids.length < s.maxLength) {
    throwIfAborted(s.signal);
    const [logits] = await step([ids], encoder);
    // A copy: the step function may hand out views into the model's output.
    const scores = Float32Array.from(logits!);
    applyRepetitionPenalty(scores, ids, s.repetitionPenalty);
    blockEndBeforeMinLength(scores, ids.length, s.minLength, s.eosTokenId);
    let token: number;
    if (sample) {
      applyTemperature(scores, s.temperature);
      applyTopK(scores, s.topK);
      applyTopP(scores, s.topP);
      token = sampleIndex(softmaxRow(scores), random);
    } else {
      token = argmax(scores);
    }
    ids.push(token);
    s.onProgress?.({ kind: 'step', index: ids.length - prompt.length, count: steps });
    if (token === s.eosTokenId) break;
  }
  return { ids };
}

/** Decodes from the prompt ids with the chosen method. */
export async function generate<E>(
  step: DecoderStep<E>,
  encoder: E,
  prompt: readonly number[],
  options: GenerationOptions,
  ids: TokenIds,
  extra: Pick<DecodeSettings, 'signal' | 'onProgress'> = {},
): Promise<Generated> {
  if (prompt.length === 0) throw new InvalidInputError('Generation needs at least a start token.');
  const s = settingsFrom(options, ids, extra);
  if (prompt.length >= s.maxLength) return { ids: [...prompt] };
  switch (options.method) {
    case 'greedy':
      return oneByOne(step, encoder, prompt, s, false);
    case 'sample':
      return oneByOne(step, encoder, prompt, s, true);
    case 'beam':
      return s.numBeams === 1 ? oneByOne(step, encoder, prompt, s, false) : beamSearch(step, encoder, prompt, s);
  }
}
