// Tokenizers come from a model's own `tokenizer.json` (+ `tokenizer_config.json`), run by
// @huggingface/tokenizers, the tokenizer engine of transformers.js published on its own. It has
// no onnxruntime inside, so the app keeps the single copy that src/runtime loads.
import { Tokenizer } from '@huggingface/tokenizers';
import { InvalidInputError, NatailiError } from '../../shared/errors.ts';

export type { Tokenizer } from '@huggingface/tokenizers';

/** Plain JSON as read from a model's files. */
export type JsonObject = Record<string, unknown>;

export interface TokenizerFiles {
  /** Parsed tokenizer.json. */
  tokenizer: JsonObject;
  /** Parsed tokenizer_config.json; {} when the model has none. */
  config?: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds the engine; says which part of the file it could not use instead of failing later. */
export function tokenizerFromFiles(files: TokenizerFiles): Tokenizer {
  const { tokenizer, config = {} } = files;
  if (!isObject(tokenizer) || !isObject(tokenizer['model'])) {
    throw new InvalidInputError('This tokenizer.json has no "model" section. Use the tokenizer.json that came with the model.');
  }
  if (!Array.isArray(tokenizer['added_tokens'])) tokenizer['added_tokens'] = [];
  try {
    return new Tokenizer(tokenizer, config);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new NatailiError('model', `The tokenizer could not be built from tokenizer.json (${why}). Re-download the model's files.`, { cause });
  }
}

/** Reads `<base>tokenizer.json` and, if present, `<base>tokenizer_config.json`. */
export async function fetchTokenizerFiles(base: string, fetchImpl: typeof fetch = fetch): Promise<TokenizerFiles> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const read = async (name: string, required: boolean): Promise<JsonObject | undefined> => {
    let response: Response;
    try {
      response = await fetchImpl(`${prefix}${name}`);
    } catch (cause) {
      throw new NatailiError('network', `Could not read ${prefix}${name}. Check that the app finished installing, then reload.`, { cause });
    }
    if (!response.ok) {
      if (!required) return undefined;
      throw new NatailiError('not-found', `${prefix}${name} answered ${response.status}. Rebuild the app (npm run prepare-assets writes it).`);
    }
    const value: unknown = await response.json();
    if (!isObject(value)) throw new InvalidInputError(`${prefix}${name} is not a JSON object.`);
    return value;
  };
  const [tokenizer, config] = await Promise.all([read('tokenizer.json', true), read('tokenizer_config.json', false)]);
  return { tokenizer: tokenizer!, config: config ?? {} };
}
