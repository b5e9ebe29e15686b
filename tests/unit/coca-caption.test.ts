// CoCa captioning: the feeds and the decoding contract on a scripted fake decoder, then end to end
// on the tiny ONNX fixtures (scripts/tiny-models/coca.ts) against a greedy decode written here.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCocaTextDecoder, buildCocaVision } from '../../scripts/tiny-models/coca.ts';
import { cocaCaption, cocaSettings, COCA_BEAM, encodeCocaImage, type CocaModel } from '../../src/pipelines/clip/coca.ts';
import type { ModelRun } from '../../src/pipelines/clip/embed.ts';
import { CLIP_IMAGE_CONFIG } from '../../src/pipelines/clip/preprocess.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import { clipTokenizer, noise } from './clip-fixtures.ts';

const VOCAB = 49408;
const SOT = 49406;
const EOT = 49407;
const small = { ...CLIP_IMAGE_CONFIG, resize: { shortestEdge: 32 }, crop: { width: 32, height: 32 } };

/** Vision: fixed outputs. Decoder: says `words` after <start_of_text>, then <end_of_text>; records its feeds. */
function scripted(words: string) {
  const tokenizer = clipTokenizer();
  const script = [...tokenizer.encode(words).slice(1, -1), EOT];
  const fed: { names: string[]; rows: number; length: number; firstId: number; tokenRows: number }[] = [];
  const vision: ModelRun = async () => ({
    image_embeds: { type: 'float32', dims: [1, 4], data: Float32Array.of(3, 0, 4, 0) },
    image_tokens: { type: 'float32', dims: [1, 3, 4], data: new Float32Array(12).fill(0.25) },
  });
  const decoder: ModelRun = async (feeds) => {
    const ids = feeds['input_ids']!;
    const [rows, length] = ids.dims as [number, number];
    fed.push({ names: Object.keys(feeds).sort(), rows, length, firstId: Number((ids.data as BigInt64Array)[0]), tokenRows: feeds['image_tokens']!.dims[0]! });
    const logits = new Float32Array(rows * length * VOCAB);
    for (let r = 0; r < rows; r++) logits[(r * length + length - 1) * VOCAB + script[Math.min(length - 1, script.length - 1)]!] = 20;
    return { logits: { type: 'float32', dims: [rows, length, VOCAB], data: logits } satisfies TensorData };
  };
  const model: CocaModel = { id: 'fake-coca', vision, decoder, tokenizer, image: small };
  return { model, fed };
}

describe('CoCa decoding contract', () => {
  it('starts at <start_of_text>, feeds input_ids and image_tokens only, and decodes up to <end_of_text>', async () => {
    const { model, fed } = scripted('a photo of a cat');
    const caption = await cocaCaption(model, noise(20, 20, 1), { preset: 'greedy' });
    expect(caption.text).toBe('a photo of a cat');
    expect(caption.ids[0]).toBe(SOT);
    expect(caption.ids.at(-1)).toBe(EOT);
    expect(fed[0]).toEqual({ names: ['image_tokens', 'input_ids'], rows: 1, length: 1, firstId: SOT, tokenRows: 1 });
    expect(fed.map((f) => f.length)).toEqual([1, 2, 3, 4, 5, 6]);
    // The contrastive embedding comes back normalised.
    expect(Array.from(caption.embedding)).toEqual([0.6, 0, 0.8, 0].map(Math.fround));
  });

  it("beam search (nataili's default) repeats the image tokens for each beam and finds the same caption", async () => {
    const { model, fed } = scripted('two dogs on grass');
    const caption = await cocaCaption(model, noise(20, 20, 2));
    expect(caption.text).toBe('two dogs on grass');
    expect(typeof caption.score).toBe('number');
    expect(fed.slice(1).every((f) => f.rows === COCA_BEAM.numBeams && f.tokenRows === COCA_BEAM.numBeams)).toBe(true);
  });

  it('keeps generating until the minimum length (5 ids with the start token)', async () => {
    const { model } = scripted('cat');
    const caption = await cocaCaption(model, noise(20, 20, 3), { preset: 'greedy' });
    expect(caption.ids.length).toBeGreaterThanOrEqual(6);
    expect(caption.ids.indexOf(EOT)).toBeGreaterThanOrEqual(5);
  });

  it('refuses lengths past the 77 positions of the text tower, and names wrong outputs', async () => {
    expect(() => cocaSettings({ generation: { maxLength: 78 } })).toThrow(/at most 77 tokens/);
    const { model } = scripted('x');
    await expect(encodeCocaImage({ ...model, io: { imageTokens: 'tokens' } }, noise(8, 8, 1))).rejects.toThrow(/"tokens" \[1, tokens, width\]/);
  });
});

describe('CoCa on the tiny ONNX fixtures (wasm)', () => {
  let model: CocaModel;
  let decoder: ort.InferenceSession;

  function runner(session: ort.InferenceSession): ModelRun {
    return async (feeds) => {
      const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, dims: [...t.dims], data: t.data } as TensorData]));
    };
  }

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    const wasm = { executionProviders: ['wasm'] };
    const vision = await ort.InferenceSession.create(buildCocaVision({ imageSize: 32, patch: 8 }), wasm);
    decoder = await ort.InferenceSession.create(buildCocaTextDecoder(), wasm);
    model = { id: 'tiny-coca', vision: runner(vision), decoder: runner(decoder), tokenizer: clipTokenizer(), image: small };
  });

  /** Greedy by hand: the whole sequence through the decoder, argmax of the last row, end token blocked below 5. */
  async function greedyByHand(tokens: TensorData): Promise<number[]> {
    const ids = [SOT];
    while (ids.length < 30) {
      const out = await decoder.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        image_tokens: new ort.Tensor('float32', tokens.data as Float32Array, tokens.dims),
      });
      const logits = (out['logits']!.data as Float32Array).subarray((ids.length - 1) * VOCAB, ids.length * VOCAB);
      let best = -1;
      for (let t = 0; t < VOCAB; t++) if ((ids.length >= 5 || t !== EOT) && (best < 0 || logits[t]! > logits[best]!)) best = t;
      ids.push(best);
      if (best === EOT) break;
    }
    return ids;
  }

  it('greedy captions follow the argmax decode, and repeat exactly', async () => {
    const image = noise(48, 40, 5);
    const encoded = await encodeCocaImage(model, image);
    expect(encoded.tokens.dims).toEqual([1, 7, 16]);
    const caption = await cocaCaption(model, image, { preset: 'greedy' });
    expect(caption.ids).toEqual(await greedyByHand(encoded.tokens));
    expect((await cocaCaption(model, image, { preset: 'greedy' })).text).toBe(caption.text);
    expect(Math.hypot(...caption.embedding)).toBeCloseTo(1, 5);
  });

  it('beam search runs on the real graph, and one beam is greedy', async () => {
    const image = noise(40, 48, 6);
    const beam = await cocaCaption(model, image);
    expect(beam.ids[0]).toBe(SOT);
    expect(beam.ids.length).toBeLessThanOrEqual(30);
    const oneBeam = await cocaCaption(model, image, { generation: { numBeams: 1 } });
    const greedy = await cocaCaption(model, image, { preset: 'greedy' });
    expect(oneBeam.ids).toEqual(greedy.ids);
  });

  it('different images give different embeddings', async () => {
    const a = await encodeCocaImage(model, noise(32, 32, 1));
    const b = await encodeCocaImage(model, noise(32, 32, 2));
    const cos = a.embedding.reduce((s, v, i) => s + v * b.embedding[i]!, 0);
    expect(cos).toBeLessThan(0.999);
  });
});
