// CLIP's text side: OpenAI's cleaning, then the model's tokenizer.json through
// @huggingface/tokenizers, then CLIP's fixed context of 77 ids. The offline default
// tokenizer.json is written by scripts/clip-tokenizer.ts into public/models/tokenizers/clip/.
import { InvalidInputError } from '../../shared/errors.ts';
import { clipBasicClean } from './clean.ts';
import { fetchTokenizerFiles, tokenizerFromFiles, type Tokenizer, type TokenizerFiles } from './load.ts';

export const CLIP_CONTEXT_LENGTH = 77;
export const CLIP_BOS_ID = 49406;
export const CLIP_EOS_ID = 49407;
/** Where the app serves the default tokenizer (relative to the app's base URL). */
export const CLIP_TOKENIZER_PATH = 'models/tokenizers/clip/';

/**
 * What fills the context after the end token. Hugging Face's openai/clip-* tokenizers (Stable
 * Diffusion 1.x) pad with <|endoftext|>; OpenCLIP (SD 2.x, LAION models) and OpenAI's own
 * clip.tokenize pad with 0. The text transformer is causal and pools at the first end token, so
 * the embedding is the same either way, but per-token hidden states (SD's conditioning) differ.
 */
export type ClipPadding = 'eos' | 'zero';

export interface ClipTextOptions {
  /** Ids per text; default 77. */
  contextLength?: number;
  /** Default 'eos'. */
  padding?: ClipPadding;
  /** Cut long texts to fit (default, as OpenAI's truncate=True); false throws instead. */
  truncate?: boolean;
}

export interface ClipTokens {
  /** contextLength ids: <|startoftext|> … <|endoftext|> then padding. */
  ids: number[];
  /** 1 for real tokens (start and end included), 0 for padding. */
  attentionMask: number[];
  /** The text had more tokens than fit; the end token was kept as the last id. */
  truncated: boolean;
}

export interface ClipTokenBatch {
  /** [texts, contextLength] row-major, int64 as transformers.js' CLIP exports take it. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  dims: [number, number];
  truncated: boolean[];
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;

  constructor(private readonly engine: Tokenizer) {
    this.bosId = engine.token_to_id('<|startoftext|>') ?? CLIP_BOS_ID;
    this.eosId = engine.token_to_id('<|endoftext|>') ?? CLIP_EOS_ID;
  }

  static fromFiles(files: TokenizerFiles): ClipTokenizer {
    return new ClipTokenizer(tokenizerFromFiles(files));
  }

  /** Loads `<base>tokenizer.json`; base defaults to the app's bundled CLIP tokenizer. */
  static async load(base: string = CLIP_TOKENIZER_PATH, fetchImpl: typeof fetch = fetch): Promise<ClipTokenizer> {
    return ClipTokenizer.fromFiles(await fetchTokenizerFiles(base, fetchImpl));
  }

  /** <|startoftext|>, the text's ids, <|endoftext|>: no length limit. */
  encode(text: string): number[] {
    return this.engine.encode(clipBasicClean(text)).ids;
  }

  /** BPE pieces without the start and end tokens (for showing how a prompt splits). */
  tokens(text: string): string[] {
    return this.engine.tokenize(clipBasicClean(text));
  }

  /** Tokens a prompt spends of the 75 that fit between the start and end tokens. */
  countTokens(text: string): number {
    return this.encode(text).length - 2;
  }

  /** One text as exactly contextLength ids. */
  encodeFixed(text: string, options: ClipTextOptions = {}): ClipTokens {
    const length = options.contextLength ?? CLIP_CONTEXT_LENGTH;
    if (!Number.isInteger(length) || length < 2) throw new InvalidInputError(`A CLIP context needs at least 2 ids; got ${length}.`);
    let ids = this.encode(text);
    const truncated = ids.length > length;
    if (truncated) {
      if (options.truncate === false) {
        throw new InvalidInputError(`This text has ${ids.length - 2} tokens; CLIP reads at most ${length - 2}. Shorten it or allow truncation.`);
      }
      // OpenAI's tokenize(truncate=True): keep the first contextLength ids, then overwrite the last with the end token.
      ids = ids.slice(0, length);
      ids[length - 1] = this.eosId;
    }
    const used = ids.length;
    const pad = (options.padding ?? 'eos') === 'eos' ? this.eosId : 0;
    while (ids.length < length) ids.push(pad);
    return { ids, attentionMask: ids.map((_, i) => (i < used ? 1 : 0)), truncated };
  }

  /** Several texts as one [n, contextLength] batch. */
  encodeBatch(texts: readonly string[], options: ClipTextOptions = {}): ClipTokenBatch {
    const length = options.contextLength ?? CLIP_CONTEXT_LENGTH;
    const inputIds = new BigInt64Array(texts.length * length);
    const attentionMask = new BigInt64Array(texts.length * length);
    const truncated: boolean[] = [];
    texts.forEach((text, row) => {
      const encoded = this.encodeFixed(text, options);
      for (let i = 0; i < length; i++) {
        inputIds[row * length + i] = BigInt(encoded.ids[i]!);
        attentionMask[row * length + i] = BigInt(encoded.attentionMask[i]!);
      }
      truncated.push(encoded.truncated);
    });
    return { inputIds, attentionMask, dims: [texts.length, length], truncated };
  }

  /** Text back from ids: what lies between the start token and the first end token. */
  decode(ids: readonly number[]): string {
    // Not a filter on 0: id 0 is "!" in CLIP's vocabulary, and only trailing zeros are padding.
    const start = ids[0] === this.bosId ? 1 : 0;
    const end = ids.indexOf(this.eosId, start);
    const kept = ids.slice(start, end === -1 ? ids.length : end);
    return kept.length ? this.engine.decode([...kept], { skip_special_tokens: true }).trim() : '';
  }
}
