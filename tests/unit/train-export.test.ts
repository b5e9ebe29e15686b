// The exported LoRA as the diffusion pipeline uses it: kohya names, rank/alpha metadata, read by
// the pipeline's LoRA reader and merged into fixture graphs that carry torch.onnx's names
// (train-onnx-scope.ts). The merged ONNX UNet and text encoder then compute what our training
// forward computes with the adapters, and txt2img's picture changes. The named-export weight
// loader reads the same scoped graphs.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { readLora, mergeLoras } from '../../src/pipelines/stable-diffusion/lora/index.ts';
import { readOnnxGraph } from '../../src/pipelines/stable-diffusion/onnx/model.ts';
import { generate } from '../../src/pipelines/stable-diffusion/pipeline/generate.ts';
import { readSafetensors } from '../../src/pipelines/predictor/safetensors.ts';
import { CpuBackend } from '../../src/pipelines/train/graph/cpu-backend.ts';
import { MemoryCheckpointStore } from '../../src/pipelines/train/dreambooth/checkpoint.ts';
import { dreamBoothConfig } from '../../src/pipelines/train/dreambooth/config.ts';
import { DreamBoothRun } from '../../src/pipelines/train/dreambooth/run.ts';
import { EveryDreamSchedule } from '../../src/pipelines/train/dataset/schedule.ts';
import { exportLora } from '../../src/pipelines/train/lora/export.ts';
import { loraRun } from '../../src/pipelines/train/lora/lora.ts';
import { clipTextForward, clipTextParams, FIXTURE_TEXT, loadClipText } from '../../src/pipelines/train/text/clip-text.ts';
import { unetForward } from '../../src/pipelines/train/unet/forward.ts';
import { loadUnet } from '../../src/pipelines/train/unet/model.ts';
import { unetParams } from '../../src/pipelines/train/unet/params.ts';
import { namedOnnxSource } from '../../src/pipelines/train/weights/sources.ts';
import { clipTokenizer } from './clip-fixtures.ts';
import { fixtureModels, runnerOf, sameBytes } from './sd-pipeline-fixtures.ts';
import { bytesOf, fixtureDreamBooth, fixtureImages, layout, maxAbsDiff, ortRun, uniform } from './train-fixtures.ts';
import { scopeFixture } from './train-onnx-scope.ts';

const config = dreamBoothConfig({ learningRate: 3e-2, textLearningRate: 3e-2, resolution: 64, maxTrainSteps: 4, saveSteps: 0, seed: 3 });

async function trained() {
  const backend = new CpuBackend();
  const models = await fixtureDreamBooth(backend);
  const { items, images } = fixtureImages();
  const run = new DreamBoothRun(models, new EveryDreamSchedule(items, config, async (i) => images.get(i.path)!), config, { runId: 'e', name: 'e', baseModel: 'fixture', dataset: 'd' }, new MemoryCheckpointStore());
  const { checkpoint } = await run.run();
  return { backend, models, checkpoint };
}

describe('exported LoRA', () => {
  it('is a kohya LoRA that the pipeline merges into what training computed, and it changes txt2img', { timeout: 120_000 }, async () => {
    const { backend, models, checkpoint } = await trained();
    const bytes = exportLora(checkpoint.loras, { config, baseModel: 'fixture', steps: checkpoint.step, name: 'sks', precision: 'fp32' });
    const file = readSafetensors(bytes);
    expect(file.metadata).toMatchObject({ ss_network_dim: '4', ss_network_alpha: '4', ss_network_module: 'networks.lora', ss_steps: '4' });
    expect([...file.tensors.keys()]).toEqual(expect.arrayContaining(['lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight', 'lora_te_text_model_encoder_layers_0_self_attn_q_proj.alpha']));
    const lora = readLora(bytes);
    expect(lora.ignored).toEqual([]);
    expect(lora.modules.filter((m) => m.component === 'unet')).toHaveLength(27);

    const unetBase = scopeFixture(bytesOf('sd-unet'), unetParams(layout));
    const textBase = scopeFixture(bytesOf('sd-text-encoder'), clipTextParams(FIXTURE_TEXT));
    const unet = unetBase.slice();
    const text = textBase.slice();
    const apply = [{ name: 'sks', modules: lora.modules, strength: 1 }];
    expect(mergeLoras({ model: unet }, readOnnxGraph(unet), 'unet', apply)).toMatchObject({ skipped: [] });
    expect(mergeLoras({ model: text }, readOnnxGraph(text), 'text_encoder', apply).merged).toHaveLength(8);

    const sample = uniform(5, 4 * 8 * 8);
    const context = uniform(6, 77 * 16);
    const feeds = () => ({
      sample: new ort.Tensor('float32', sample, [1, 4, 8, 8]),
      timestep: new ort.Tensor('float32', Float32Array.of(420), [1]),
      encoder_hidden_states: new ort.Tensor('float32', context, [1, 77, 16]),
    });
    const merged = (await ortRun(unet, feeds()))['out_sample']!;
    const base = (await ortRun(unetBase, feeds()))['out_sample']!;
    const scope = backend.beginStep();
    const ours = await scope.read(unetForward(scope.ops, models.unet, scope.ops.constant(sample, [1, 4, 8, 8]), [420], scope.ops.constant(context, [1, 77, 16]), loraRun(config.lora)));
    expect(maxAbsDiff(merged, ours)).toBeLessThan(1e-4);
    expect(maxAbsDiff(merged, base)).toBeGreaterThan(1e-3);

    const ids = [clipTokenizer().encodeFixed('a photo of sks dog').ids];
    const mergedText = (await ortRun(text, { input_ids: new ort.Tensor('int32', Int32Array.from(ids.flat()), [1, 77]) }))['last_hidden_state']!;
    const oursText = await scope.read(clipTextForward(scope.ops, models.text!, ids, loraRun(config.lora)));
    expect(maxAbsDiff(mergedText, oursText)).toBeLessThan(1e-4);
    scope.end();

    const request = { prompt: 'a photo of sks dog', sampler: 'k_euler', steps: 3, width: 64, height: 64, seed: 5 };
    const plain = await fixtureModels();
    const open = async (bytes: Uint8Array) => runnerOf(await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }), 'merged');
    const before = await generate({ ...plain, unet: await open(unetBase), textEncoder: await open(textBase) }, request);
    const after = await generate({ ...plain, unet: await open(unet), textEncoder: await open(text) }, request);
    expect(sameBytes(before.images[0]!.image.data, after.images[0]!.image.data)).toBe(false);
  });

  it('loads base weights by torch name from a scoped export, as from the fixture positionally', async () => {
    const backend = new CpuBackend();
    const scoped = scopeFixture(bytesOf('sd-unet'), unetParams(layout));
    const named = loadUnet(backend, layout, namedOnnxSource({ model: scoped }), null, 1);
    const sample = uniform(8, 4 * 8 * 8);
    const context = uniform(9, 3 * 16);
    const scope = backend.beginStep();
    const got = await scope.read(unetForward(scope.ops, named, scope.ops.constant(sample, [1, 4, 8, 8]), [10], scope.ops.constant(context, [1, 3, 16]), loraRun(config.lora)));
    const expected = await ortRun(bytesOf('sd-unet'), { sample: new ort.Tensor('float32', sample, [1, 4, 8, 8]), timestep: new ort.Tensor('float32', Float32Array.of(10), [1]), encoder_hidden_states: new ort.Tensor('float32', context, [1, 3, 16]) });
    expect(maxAbsDiff(got, expected['out_sample']!)).toBeLessThan(2e-4);
    const text = loadClipText(backend, FIXTURE_TEXT, namedOnnxSource({ model: scopeFixture(bytesOf('sd-text-encoder'), clipTextParams(FIXTURE_TEXT)) }), null, 1);
    expect(text.params.size).toBe(clipTextParams(FIXTURE_TEXT).length - 2);
  });
});
