// The BLIP captioner: prompt ids, decoder feeds, prompt stripping and presets on a fake decoder,
// then end to end on the tiny ONNX vision encoder and text decoder (scripts/tiny-models/blip.ts).
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBlipTextDecoder, buildBlipVision } from '../../scripts/tiny-models/blip.ts';
import { BLIP_TOKENS, caption, captionSettings, promptIds, type BlipModel } from '../../src/pipelines/blip/caption.ts';
import { HORDE_CAPTION, NATAILI_SAMPLE } from '../../src/pipelines/blip/types.ts';
import type { ModelRun } from '../../src/pipelines/clip/embed.ts';
import { BLIP_IMAGE_CONFIG } from '../../src/pipelines/clip/preprocess.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import { tokenizerFromFiles, type Tokenizer } from '../../src/pipelines/tokenizers/load.ts';
import { bertTokenizerJson } from '../browser/interrogate-fixtures.ts';
import { noise } from './clip-fixtures.ts';

const VOCAB = 30524;
const A = 1037;
const PICTURE = 3861;
const OF = 1997;
const DOG = 3899;
const RUNNING = 2770;

/** bert-base-uncased's layout where it matters, with "dog" and "running" at their ids; filler elsewhere. */
function bertTokenizer(): Tokenizer {
  return tokenizerFromFiles({ tokenizer: bertTokenizerJson(VOCAB, { [DOG]: 'dog', [RUNNING]: 'running' }), config: { do_lower_case: true } });
}

const tokenizer = bertTokenizer();

/** Vision: a [1, 5, 4] state. Decoder: after the prompt says "dog running [SEP]"; records what it was fed. */
function fakeModel() {
  const fed: { rows: number; length: number; mask: number[]; hiddenRows: number }[] = [];
  const vision: ModelRun = async () => ({ last_hidden_state: { type: 'float32', dims: [1, 5, 4], data: new Float32Array(20).fill(0.5) } });
  const script = [DOG, RUNNING, BLIP_TOKENS.eosTokenId];
  const decoder: ModelRun = async (feeds) => {
    const ids = feeds['input_ids']!;
    const [rows, length] = ids.dims as [number, number];
    fed.push({ rows, length, mask: Array.from(feeds['attention_mask']!.data as BigInt64Array, Number), hiddenRows: feeds['encoder_hidden_states']!.dims[0]! });
    const logits = new Float32Array(rows * length * VOCAB);
    for (let r = 0; r < rows; r++) {
      const next = script[Math.min(length - 4, script.length - 1)]!;
      logits[(r * length + length - 1) * VOCAB + next] = 30;
    }
    return { logits: { type: 'float32', dims: [rows, length, VOCAB], data: logits } satisfies TensorData };
  };
  const model: BlipModel = { id: 'fake-blip', vision, decoder, tokenizer, image: { ...BLIP_IMAGE_CONFIG, resize: { width: 16, height: 16 } } };
  return { model, fed };
}

describe('captioning conventions', () => {
  it('leads the prompt with [DEC] and leaves out [CLS]/[SEP]: [30522, a, picture, of]', () => {
    expect(promptIds(tokenizer, 'a picture of ', 30522)).toEqual([30522, A, PICTURE, OF]);
    expect(promptIds(tokenizer, '', 30522)).toEqual([30522]);
  });

  it('captions after the prompt and returns only the new words', async () => {
    const { model, fed } = fakeModel();
    const result = await caption(model, noise(20, 20, 1), { preset: 'horde', generation: { minLength: 0 } });
    expect(result.text).toBe('dog running');
    expect(result.ids).toEqual([30522, A, PICTURE, OF, DOG, RUNNING, 102]);
    // Seven beams per call, each with the image state repeated and a mask of ones.
    expect(fed[0]).toMatchObject({ rows: 7, length: 4, hiddenRows: 7 });
    expect(fed.every((f) => f.mask.every((m) => m === 1))).toBe(true);
  });

  it('greedy and sampling read one row per call', async () => {
    for (const method of ['greedy', 'sample'] as const) {
      const { model, fed } = fakeModel();
      const result = await caption(model, noise(20, 20, 1), { generation: { method, minLength: 0, seed: 1 } });
      expect(result.text).toBe('dog running');
      expect(fed.every((f) => f.rows === 1 && f.hiddenRows === 1)).toBe(true);
    }
  });

  it('has the Horde worker and nataili presets', () => {
    expect(captionSettings()).toEqual(HORDE_CAPTION);
    expect(HORDE_CAPTION).toMatchObject({ method: 'beam', numBeams: 7, minLength: 20, maxLength: 50, repetitionPenalty: 1.4 });
    expect(captionSettings({ preset: 'nataili' })).toEqual(NATAILI_SAMPLE);
    expect(captionSettings({ preset: 'nataili', generation: { topP: 0.5 } })).toMatchObject({ method: 'sample', topP: 0.5, minLength: 10, maxLength: 30 });
  });
});

describe('tiny ONNX BLIP', () => {
  let model: BlipModel;
  let runs = 0;

  function runner(session: ort.InferenceSession): ModelRun {
    return async (feeds) => {
      runs++;
      const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, dims: [...t.dims], data: t.data } as TensorData]));
    };
  }

  beforeAll(async () => {
    const wasm = { executionProviders: ['wasm'] };
    const [vision, decoder] = await Promise.all([
      ort.InferenceSession.create(buildBlipVision({ imageSize: 32, patch: 8 }), wasm),
      ort.InferenceSession.create(buildBlipTextDecoder(), wasm),
    ]);
    model = { id: 'tiny-blip', vision: runner(vision), decoder: runner(decoder), tokenizer, image: { ...BLIP_IMAGE_CONFIG, resize: { width: 32, height: 32 } } };
  });

  it('beam search (Horde preset, shortened) is deterministic and respects the lengths', async () => {
    const options = { preset: 'horde' as const, generation: { numBeams: 3, minLength: 8, maxLength: 12 } };
    const first = await caption(model, noise(40, 30, 2), options);
    const second = await caption(model, noise(40, 30, 2), options);
    expect(second).toEqual(first);
    expect(first.ids.length).toBeGreaterThanOrEqual(8);
    expect(first.ids.length).toBeLessThanOrEqual(12);
    expect(first.ids.slice(0, 4)).toEqual([30522, A, PICTURE, OF]);
    expect(first.text.length).toBeGreaterThan(0);
  });

  it('sampling is deterministic for a seed and reports a step per token', async () => {
    const steps: number[] = [];
    const options = { preset: 'nataili' as const, generation: { minLength: 6, maxLength: 10, seed: 99 } };
    const a = await caption(model, noise(40, 30, 3), { ...options, onProgress: (e) => e.kind === 'step' && steps.push(e.index) });
    const b = await caption(model, noise(40, 30, 3), options);
    expect(b.ids).toEqual(a.ids);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    expect(steps.length).toBe(a.ids.length - 4);
    const before = runs;
    await expect(caption(model, noise(8, 8, 1), { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(runs - before).toBeLessThanOrEqual(1);
  });
});
