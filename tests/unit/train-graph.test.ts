// The training graph against onnxruntime on the fixture graphs: with base weights read from the
// ONNX initializers (positionally, checked by prefix and shape) and fresh adapters (up = 0), our
// UNet and text-encoder forwards on the CPU backend give what ORT gives. That proves the weight
// mapping before anything trains. Plus the SD 1.5 layout's parameter count.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/pipelines/train/graph/cpu-backend.ts';
import { loraRun, NATAILI_LORA } from '../../src/pipelines/train/lora/lora.ts';
import { clipTextForward } from '../../src/pipelines/train/text/clip-text.ts';
import { unetForward } from '../../src/pipelines/train/unet/forward.ts';
import { dreamBoothStepCost } from '../../src/pipelines/train/dreambooth/cost.ts';
import { SD1_TEXT } from '../../src/pipelines/train/text/clip-text.ts';
import { sd1UnetLayout } from '../../src/pipelines/train/unet/layout.ts';
import { unetParams } from '../../src/pipelines/train/unet/params.ts';
import { clipTokenizer } from './clip-fixtures.ts';
import { bytesOf, fixtureText, fixtureUnet, maxAbsDiff, ortRun, uniform } from './train-fixtures.ts';

describe('training graph vs onnxruntime', () => {
  it('the UNet forward matches the fixture graph (batch 2, two timesteps)', async () => {
    const backend = new CpuBackend();
    const unet = fixtureUnet(backend);
    const sample = uniform(1, 2 * 4 * 8 * 8);
    const context = uniform(2, 2 * 5 * 16);
    const timesteps = [999, 37];
    const expected = await ortRun(bytesOf('sd-unet'), {
      sample: new ort.Tensor('float32', sample, [2, 4, 8, 8]),
      timestep: new ort.Tensor('float32', Float32Array.from(timesteps), [2]),
      encoder_hidden_states: new ort.Tensor('float32', context, [2, 5, 16]),
    });
    const scope = backend.beginStep();
    const { ops } = scope;
    const out = unetForward(ops, unet, ops.constant(sample, [2, 4, 8, 8]), timesteps, ops.constant(context, [2, 5, 16]), loraRun(NATAILI_LORA));
    expect(ops.shape(out)).toEqual([2, 4, 8, 8]);
    const got = await scope.read(out);
    expect(maxAbsDiff(got, expected['out_sample']!)).toBeLessThan(2e-4);
    expect(unet.loras.size).toBe(3 * 9);
  });

  it('the text encoder forward matches last_hidden_state', async () => {
    const backend = new CpuBackend();
    const text = fixtureText(backend);
    const ids = [clipTokenizer().encodeFixed('a photo of a sks dog').ids, clipTokenizer().encodeFixed('').ids];
    const expected = await ortRun(bytesOf('sd-text-encoder'), { input_ids: new ort.Tensor('int32', Int32Array.from(ids.flat()), [2, 77]) });
    const scope = backend.beginStep();
    const got = await scope.read(clipTextForward(scope.ops, text, ids, loraRun(NATAILI_LORA)));
    expect(maxAbsDiff(got, expected['last_hidden_state']!)).toBeLessThan(1e-4);
    expect([...text.loras.keys()]).toEqual(expect.arrayContaining(['text_model.encoder.layers.1.self_attn.out_proj']));
    expect(text.loras.size).toBe(2 * 4);
  });

  it("the SD 1.5 layout has UNet2DConditionModel's 859,520,964 parameters", () => {
    const specs = unetParams(sd1UnetLayout());
    expect(specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0)).toBe(859_520_964);
    expect(specs.map((s) => s.name)).toEqual(expect.arrayContaining(['up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_k.weight', 'down_blocks.3.resnets.1.conv2.bias']));
  });

  it('counts an SD 1.5 512² step without weights: about 0.86 TFLOP forward, 3.7 GiB of fp32 weights', () => {
    const cost = dreamBoothStepCost(sd1UnetLayout(), SD1_TEXT, { batch: 1, latentHeight: 64, latentWidth: 64, lora: { rank: 4, alpha: 4, dropout: 0.1 } });
    expect(cost.forwardFlops / 1e9).toBeGreaterThan(800);
    expect(cost.forwardFlops / 1e9).toBeLessThan(900);
    // Frozen weights take no weight gradient: backward is about one more forward (plus attention's two).
    expect(cost.backwardFlops / cost.forwardFlops).toBeGreaterThan(1);
    expect(cost.backwardFlops / cost.forwardFlops).toBeLessThan(1.3);
    // UNet 859,520,964 + CLIP text 123,060,480 parameters, fp32, plus the adapters and their two AdamW moments.
    expect(cost.weightBytes).toBe(4 * (859_520_964 + 123_060_480) + 12 * cost.trainableParams);
    // Rank 4 on 16 transformer blocks × 9 projections and 12 text layers × 4.
    expect(cost.trainableParams).toBe(1_541_376);
  });
});
