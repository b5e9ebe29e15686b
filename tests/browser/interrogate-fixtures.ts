// A catalog of the tiny fixture models (CLIP, BLIP, CoCa, safety checker) plus a generated
// aesthetic predictor for the fixture CLIP's 16-value embeddings, as files a user would import on
// the Models page: the catalog JSON and every model file, hashes computed here. Also test images.
import { layoutWeights, stateDict, writeSafetensors, type Layout } from '../unit/predictor-fixtures.ts';

export const NAMES = { clip: 'tiny-clip', blip: 'tiny-blip', coca: 'tiny-coca', predictor: 'tiny-predictor', safety: 'tiny-safety' } as const;

/** nataili's MLP shape shrunk to the fixture CLIP's 16 values: Linear, Dropout, Linear, Dropout, Linear. */
export const TINY_PREDICTOR: Layout = { widths: [16, 32, 8, 1], indices: [0, 2, 4], relu: [false, false, false] };

export async function fixtureBytes(name: string): Promise<Uint8Array> {
  const response = await fetch(`/tests/fixtures/models/${name}.onnx`);
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status} (did the Vitest global setup run?)`);
  return new Uint8Array(await response.arrayBuffer());
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * bert-base-uncased's layout where BLIP needs it ([PAD] 0, [CLS] 101, [SEP] 102, [DEC] 30522,
 * "a picture of"), plus `words` at their ids, filler words elsewhere.
 */
export function bertTokenizerJson(vocabSize = 30524, words: Record<number, string> = {}): Record<string, unknown> {
  const named: Record<number, string> = { 0: '[PAD]', 100: '[UNK]', 101: '[CLS]', 102: '[SEP]', 103: '[MASK]', 1037: 'a', 3861: 'picture', 1997: 'of', 30522: '[DEC]', 30523: '[ENC]', ...words };
  const vocab: Record<string, number> = {};
  for (let id = 0; id < vocabSize; id++) vocab[named[id] ?? `w${id}`] = id;
  const special = (id: number) => ({ id, content: named[id]!, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    added_tokens: [0, 100, 101, 102, 103, 30522, 30523].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

interface FileSpec {
  path: string;
  kind: 'onnx' | 'json' | 'bytes';
  bytes: Uint8Array;
  inputs?: string[];
  outputs?: string[];
}

/** A catalog entry (nataili's shape) and its files, named as the entry names them. */
async function entry(name: string, type: string, specs: FileSpec[], extra: Record<string, unknown> = {}): Promise<{ entry: Record<string, unknown>; files: File[] }> {
  const download = [];
  const files: File[] = [];
  for (const spec of specs) {
    const fileName = `${name}-${spec.path}.${spec.kind === 'bytes' ? 'safetensors' : spec.kind}`;
    download.push({ file_name: fileName, file_path: spec.path, file_url: `https://fixtures.invalid/${fileName}`, precision: 'fp32', size: spec.bytes.length, sha256: await sha256(spec.bytes) });
    files.push(new File([spec.bytes.slice()], fileName));
  }
  const config = { files: specs.map(({ path, kind, inputs, outputs }) => (kind === 'onnx' ? { path, kind, inputs, outputs } : { path, kind })), download };
  return { entry: { name, type, description: `fixture ${name}`, version: '1', nsfw: false, config, ...extra }, files };
}

export interface FixtureCatalog {
  /** The catalog JSON first, then every model file. */
  files: File[];
  predictorWeights: ReturnType<typeof layoutWeights>;
}

export async function fixtureCatalog(): Promise<FixtureCatalog> {
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const weights = layoutWeights(TINY_PREDICTOR, 21);
  const onnx = async (path: string, fixtureName: string, inputs: string[], outputs: string[]): Promise<FileSpec> => ({ path, kind: 'onnx', bytes: await fixtureBytes(fixtureName), inputs, outputs });
  const made = [
    await entry(NAMES.clip, 'clip', [await onnx('vision_model', 'clip-vision', ['pixel_values'], ['image_embeds']), await onnx('text_model', 'clip-text', ['input_ids'], ['text_embeds'])]),
    await entry(NAMES.blip, 'blip', [
      await onnx('vision_model', 'blip-vision', ['pixel_values'], ['last_hidden_state']),
      await onnx('text_decoder', 'blip-text-decoder', ['input_ids', 'attention_mask', 'encoder_hidden_states'], ['logits']),
      { path: 'tokenizer', kind: 'json', bytes: json(bertTokenizerJson()) },
    ]),
    await entry(NAMES.coca, 'clip', [
      await onnx('vision_model', 'coca-vision', ['pixel_values'], ['image_embeds', 'image_tokens']),
      await onnx('text_decoder', 'coca-text-decoder', ['input_ids', 'image_tokens'], ['logits']),
    ]),
    await entry(NAMES.predictor, 'clip', [{ path: 'predictor', kind: 'bytes', bytes: writeSafetensors(stateDict(TINY_PREDICTOR, weights)) }], { baseline: NAMES.clip }),
    await entry(NAMES.safety, 'safety_checker', [await onnx('model', 'safety-checker', ['clip_input', 'images'], ['out_images', 'has_nsfw_concepts'])]),
  ];
  const catalog = new File([json(Object.fromEntries(made.map(({ entry: e }) => [e['name'], e])))], 'interrogate-fixtures.json', { type: 'application/json' });
  return { files: [catalog, ...made.flatMap((m) => m.files)], predictorWeights: weights };
}

/** A seeded noise picture as a PNG Blob: what the page hands the worker. */
export async function noisePng(width: number, height: number, seed: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < image.data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    image.data[i] = i % 4 === 3 ? 255 : (s >>> 0) & 255;
  }
  context.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
