// Every tiny fixture model loads in onnxruntime-web (wasm, in Node), takes the inputs the real
// export takes and returns the outputs, dtypes and shapes the real export returns; builds are
// deterministic per seed; and the behaviours pipelines rely on (broadcast timesteps, causal text,
// fidelity weight, NSFW blacking) hold.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClipText, buildClipVision } from '../../scripts/tiny-models/clip.ts';
import { buildSafetyChecker } from '../../scripts/tiny-models/safety-checker.ts';
import { DEFAULT_FIXTURE_DIR, tinyModelNames, tinyModels, type TinyModelName } from '../../scripts/tiny-models/index.ts';
import { clipIds, modelCases, pattern, timestep, type Feed } from './tiny-models.cases.ts';

type Outputs = ort.InferenceSession.OnnxValueMapType;

function tensor(feed: Feed): ort.Tensor {
  return new ort.Tensor(feed.type, feed.data, feed.dims);
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(name: TinyModelName): Promise<ort.InferenceSession> {
  let s = sessions.get(name);
  if (!s) {
    s = ort.InferenceSession.create(tinyModels[name].build(), { executionProviders: ['wasm'] });
    sessions.set(name, s);
  }
  return s;
}

async function run(name: TinyModelName, overrides: Record<string, Feed> = {}): Promise<Outputs> {
  const feeds = { ...modelCases[name].inputs, ...overrides };
  const s = await session(name);
  return s.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, tensor(f)])));
}

function floats(outputs: Outputs, name: string): Float32Array {
  const t = outputs[name];
  if (!t || t.type !== 'float32') throw new Error(`no float32 output ${name}`);
  return t.data as Float32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(() => {
  // One thread: Vitest runs files in parallel workers already.
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

describe.each(tinyModelNames)('tiny model %s', (name) => {
  const expected = modelCases[name];

  it('declares the inputs and outputs of the real export', async () => {
    const s = await session(name);
    expect([...s.inputNames].sort()).toEqual(Object.keys(expected.inputs).sort());
    expect([...s.outputNames].sort()).toEqual(Object.keys(expected.outputs).sort());
  });

  it('runs and returns the expected dtypes and shapes, all finite', async () => {
    const outputs = await run(name);
    for (const [outName, spec] of Object.entries(expected.outputs)) {
      const t = outputs[outName]!;
      expect(t.type, outName).toBe(spec.type);
      expect(t.dims, outName).toEqual(spec.dims);
      if (t.type === 'float32') expect((t.data as Float32Array).every(Number.isFinite), `${outName} finite`).toBe(true);
    }
  });

  it('is deterministic per seed', () => {
    const model = tinyModels[name];
    const first = model.build();
    expect(Buffer.from(model.build()).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(model.build(7)).equals(Buffer.from(first))).toBe(false);
  });
});

describe('tiny model behaviour pipelines rely on', () => {
  it('UNet: a single timestep broadcasts over the batch, and timestep and text both matter', async () => {
    const one = floats(await run('sd-unet', { timestep: timestep([981]) }), 'out_sample');
    const perSample = floats(await run('sd-unet', { timestep: timestep([981, 981]) }), 'out_sample');
    expect(maxAbsDiff(one, perSample)).toBe(0);
    const later = floats(await run('sd-unet', { timestep: timestep([1]) }), 'out_sample');
    expect(maxAbsDiff(one, later)).toBeGreaterThan(1e-3);
    const otherText = floats(await run('sd-unet', { encoder_hidden_states: pattern([2, 77, 16], 1, 2) }), 'out_sample');
    expect(maxAbsDiff(one, otherText)).toBeGreaterThan(1e-4);
  });

  it('UNet: the int64-timestep export computes what the float32 one does', async () => {
    const asFloat = floats(await run('sd-unet'), 'out_sample');
    const asInt = floats(await run('sd-unet-int64-timestep'), 'out_sample');
    expect(maxAbsDiff(asFloat, asInt)).toBeLessThan(1e-5);
  });

  it('CLIP text: what follows the end token does not change text_embeds', async () => {
    const eosPadded = floats(await run('clip-text'), 'text_embeds');
    const zeroPadded = floats(await run('clip-text', { input_ids: clipIds(2, 77, 'int64', 0) }), 'text_embeds');
    expect(maxAbsDiff(eosPadded, zeroPadded)).toBeLessThan(1e-5);
  });

  it('CLIP vision: a smaller fixed input size for fast tests keeps the layout', async () => {
    const s = await ort.InferenceSession.create(buildClipVision({ imageSize: 32, patch: 8 }));
    const out = await s.run({ pixel_values: tensor(pattern([3, 3, 32, 32])) });
    expect(out.image_embeds!.dims).toEqual([3, 16]);
    expect(out.last_hidden_state!.dims).toEqual([3, 17, 32]);
  });

  it('CLIP vision: unrelated images get clearly different embeddings', async () => {
    const a = floats(await run('clip-vision'), 'image_embeds');
    const b = floats(await run('clip-vision', { pixel_values: pattern([2, 3, 224, 224], 2, 5) }), 'image_embeds');
    const cosine = (x: Float32Array, y: Float32Array) => {
      let dot = 0;
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < x.length; i++) {
        dot += x[i]! * y[i]!;
        nx += x[i]! ** 2;
        ny += y[i]! ** 2;
      }
      return dot / Math.sqrt(nx * ny);
    };
    expect(cosine(a.subarray(0, 16), b.subarray(0, 16))).toBeLessThan(0.99);
  });

  it('CLIP text: the attention_mask variant declares and uses the mask', async () => {
    const s = await ort.InferenceSession.create(buildClipText({ attentionMask: true }));
    expect([...s.inputNames]).toEqual(['input_ids', 'attention_mask']);
    const ids = tensor(clipIds(1));
    const mask = (keep: number) => new ort.Tensor('int64', BigInt64Array.from({ length: 77 }, (_, i) => (i < keep ? 1n : 0n)), [1, 77]);
    const full = (await s.run({ input_ids: ids, attention_mask: mask(77) })).last_hidden_state!.data as Float32Array;
    const masked = (await s.run({ input_ids: ids, attention_mask: mask(7) })).last_hidden_state!.data as Float32Array;
    expect(maxAbsDiff(full, masked)).toBeGreaterThan(1e-4);
  });

  it('BLIP decoder: logits at a position ignore later tokens (causal)', async () => {
    const base = floats(await run('blip-text-decoder'), 'logits');
    const changedIds: Feed = { type: 'int64', dims: [1, 4], data: BigInt64Array.of(30522n, 1037n, 2000n, 2001n) };
    const changed = floats(await run('blip-text-decoder', { input_ids: changedIds }), 'logits');
    const vocab = 30524;
    expect(maxAbsDiff(base.subarray(0, 2 * vocab), changed.subarray(0, 2 * vocab))).toBeLessThan(1e-5);
    expect(maxAbsDiff(base.subarray(2 * vocab), changed.subarray(2 * vocab))).toBeGreaterThan(1e-4);
  });

  it('CodeFormer: the fidelity weight w changes the result', async () => {
    const w = (value: number): Feed => ({ type: 'float64', dims: [1], data: Float64Array.of(value) });
    const quality = floats(await run('codeformer', { w: w(0) }), 'y');
    const fidelity = floats(await run('codeformer', { w: w(1) }), 'y');
    expect(maxAbsDiff(quality, fidelity)).toBeGreaterThan(1e-4);
  });

  it('safety checker: flagged images come back black, the others unchanged', async () => {
    const outputs = await run('safety-checker');
    const flags = outputs.has_nsfw_concepts!.data as Uint8Array;
    // The case is chosen so both branches run.
    expect(Array.from(flags).sort()).toEqual([0, 1]);
    const images = modelCases['safety-checker'].inputs.images!.data as Float32Array;
    const out = floats(outputs, 'out_images');
    const perImage = images.length / 2;
    for (let b = 0; b < 2; b++) {
      const got = out.subarray(b * perImage, (b + 1) * perImage);
      const want = flags[b] ? new Float32Array(perImage) : images.subarray(b * perImage, (b + 1) * perImage);
      expect(maxAbsDiff(got, want)).toBe(0);
    }
  });

  it('safety checker: the threshold option forces either verdict', async () => {
    const { clip_input, images } = modelCases['safety-checker'].inputs;
    const feeds = { clip_input: tensor(clip_input!), images: tensor(images!) };
    for (const [threshold, verdict] of [[1.1, 0], [-1.1, 1]] as const) {
      const s = await ort.InferenceSession.create(buildSafetyChecker({ threshold }));
      expect(Array.from((await s.run(feeds)).has_nsfw_concepts!.data as Uint8Array)).toEqual([verdict, verdict]);
    }
  });

  it('RetinaFace: conf is a softmax over (background, face)', async () => {
    const conf = floats(await run('retinaface'), 'conf');
    for (let i = 0; i < conf.length; i += 2) expect(conf[i]! + conf[i + 1]!).toBeCloseTo(1, 5);
  });

  it('depth: predicted_depth is non-negative and not constant', async () => {
    const depth = floats(await run('depth-dpt'), 'predicted_depth');
    expect(depth.every((v) => v >= 0)).toBe(true);
    expect(Math.max(...depth)).toBeGreaterThan(Math.min(...depth));
  });

  it('ESRGAN: height and width are dynamic', async () => {
    const out = (await run('esrgan-x4', { input: pattern([2, 3, 8, 16]) })).output!;
    expect(out.dims).toEqual([2, 3, 32, 64]);
  });
});

// onnx.checker from Debian's python3-onnx, when installed: catches what ORT tolerates.
const PYTHON = '/usr/bin/python3';
const checker = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' }) : undefined;
const checkerMissing = !checker
  ? `${PYTHON} not found`
  : checker.status !== 0
    ? 'python3-onnx not installed (apt-get install -y python3-onnx)'
    : undefined;

describe('onnx.checker', () => {
  it.skipIf(checkerMissing !== undefined)(`accepts every fixture (full_check)${checkerMissing ? ` — skipped: ${checkerMissing}` : ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiny-models-'));
    try {
      for (const name of tinyModelNames) writeFileSync(join(dir, `${name}.onnx`), tinyModels[name].build());
      const script = [
        'import onnx, glob, sys',
        'for f in sorted(glob.glob(sys.argv[1] + "/*.onnx")):',
        '    onnx.checker.check_model(onnx.load(f), full_check=True)',
        '    print("ok", f)',
      ].join('\n');
      const result = spawnSync(PYTHON, ['-c', script, dir], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toHaveLength(tinyModelNames.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fixture files', () => {
  it('the global setup wrote every fixture, byte-identical to a fresh build', () => {
    for (const name of tinyModelNames) {
      const path = join(DEFAULT_FIXTURE_DIR, `${name}.onnx`);
      expect(existsSync(path), path).toBe(true);
      expect(Buffer.from(readFileSync(path)).equals(Buffer.from(tinyModels[name].build())), path).toBe(true);
    }
  });
});
