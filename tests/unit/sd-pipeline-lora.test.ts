import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { mergeLoras, parseLoraKey, readLora } from '../../src/pipelines/stable-diffusion/lora/index.ts';
import { readOnnxGraph, type OnnxGraph } from '../../src/pipelines/stable-diffusion/onnx/model.ts';
import { fromHalf, toHalf } from '../../src/runtime/float16.ts';
import { seededRandom, uniformArray } from '../../scripts/onnx/seeded-random.ts';
import { withExternalData } from '../browser/workers/tiny-conv.ts';
import { CONV_OUT, DIM, loraFixture, OUT, safetensors } from './sd-pipeline-lora-fixture.ts';

const R = 4;
const random = seededRandom(11);
const qDown = uniformArray(random, R * DIM, 0.5);
const qUp = uniformArray(random, OUT * R, 0.5);
const pDown = uniformArray(random, R * DIM, 0.5);
const pUp = uniformArray(random, OUT * R, 0.5);
const cDown = uniformArray(random, R * 27, 0.5);
const cUp = uniformArray(random, CONV_OUT * R, 0.5);
const x = uniformArray(random, 4 * DIM, 1);
const img = uniformArray(random, 3 * 16, 1);

/** up [o, r] · down [r, c], times s. */
function delta(up: Float32Array, down: Float32Array, o: number, c: number, s: number): Float32Array {
  const out = new Float32Array(o * c);
  for (let i = 0; i < o; i++) for (let j = 0; j < c; j++) for (let r = 0; r < R; r++) out[i * c + j] = out[i * c + j]! + s * up[i * R + r]! * down[r * c + j]!;
  return out;
}

const kohya = (alpha: number) =>
  safetensors({
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight': { shape: [R, DIM], data: qDown },
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight': { shape: [OUT, R], data: qUp, dtype: 'F16' },
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.alpha': { shape: [], data: Float32Array.of(alpha) },
    'lora_unet_mid_block_attentions_0_proj_out.lora_down.weight': { shape: [R, DIM], data: pDown },
    'lora_unet_mid_block_attentions_0_proj_out.lora_up.weight': { shape: [OUT, R], data: pUp },
    'lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight': { shape: [R, 3, 3, 3], data: cDown },
    'lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight': { shape: [CONV_OUT, R, 1, 1], data: cUp },
    'lora_unet_up_blocks_3_attentions_2_proj_in.lora_down.weight': { shape: [R, DIM], data: pDown },
    'lora_unet_up_blocks_3_attentions_2_proj_in.lora_up.weight': { shape: [OUT, R], data: pUp },
    'lora_unet_mid_block_attentions_0_proj_in.hada_w1_a': { shape: [2], data: Float32Array.of(1, 2) },
  }, toHalf);

async function run(model: Uint8Array, externalData?: { path: string; data: Uint8Array }[]): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], ...(externalData ? { externalData } : {}) });
  const out = await session.run({ x: new ort.Tensor('float32', x, [1, 4, DIM]), img: new ort.Tensor('float32', img, [1, 3, 4, 4]) });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

function matmul(a: Float32Array, b: Float32Array, n: number, k: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out[i * m + j] = out[i * m + j]! + a[i * k + t]! * b[t * m + j]!;
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tolerance);
}

describe('LoRA key dialects', () => {
  it('reduces kohya, PEFT and diffusers names to one module key', () => {
    const key = 'down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q';
    expect(parseLoraKey(`lora_unet_${key}.lora_down.weight`)).toEqual({ component: 'unet', key, part: 'down' });
    expect(parseLoraKey('unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight')).toEqual({ component: 'unet', key, part: 'down' });
    expect(parseLoraKey('unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora.up.weight')).toEqual({ component: 'unet', key, part: 'up' });
    expect(parseLoraKey('unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_q_lora.down.weight')).toEqual({ component: 'unet', key, part: 'down' });
    expect(parseLoraKey('unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight')?.key).toBe(
      'down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_out_0',
    );
    expect(parseLoraKey('lora_te_text_model_encoder_layers_0_self_attn_q_proj.alpha')).toEqual({ component: 'text_encoder', key: 'text_model_encoder_layers_0_self_attn_q_proj', part: 'alpha' });
    expect(parseLoraKey('text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight')?.key).toBe('text_model_encoder_layers_0_self_attn_q_proj');
    expect(parseLoraKey('lora_unet_x.hada_w1_a')).toBeNull();
  });
});

describe('merging a LoRA into ONNX initializers', () => {
  const fixture = loraFixture();
  const before = () => run(fixture.model);

  it('patches MatMul ([in, out]), Transpose-fed ([out, in]) and Conv weights: W += s·(alpha/r)·up·down', async () => {
    const lora = readLora(kohya(2));
    expect(lora.ignored).toEqual(['lora_unet_mid_block_attentions_0_proj_in.hada_w1_a']);
    const model = fixture.model.slice();
    const graph = readOnnxGraph(model);
    const report = mergeLoras({ model }, graph, 'unet', [{ name: 'style', modules: lora.modules, strength: 0.8 }]);
    expect(report.merged).toHaveLength(3);
    expect(report.skipped).toEqual(['style: up_blocks_3_attentions_2_proj_in (no such weight in the graph)']);
    const s = 0.8 * (2 / R);
    const upQ = qUp.map((v) => fromHalf(toHalf(v))); // stored as F16 in the file
    const dq = delta(upQ, qDown, OUT, DIM, s);
    const wq = fixture.weights.toQ.map((w, i) => w + dq[(i % OUT) * DIM + Math.floor(i / OUT)]!); // W[i][o] += Δ[o][i]
    const dp = delta(pUp, pDown, OUT, DIM, 0.8); // no alpha: alpha = rank
    const wpT = new Float32Array(DIM * OUT);
    for (let o = 0; o < OUT; o++) for (let i = 0; i < DIM; i++) wpT[i * OUT + o] = fixture.weights.projOut[o * DIM + i]! + dp[o * DIM + i]!;
    const out = await run(model);
    expectClose(out['q']!, matmul(x, wq, 4, DIM, OUT));
    expectClose(out['p']!, matmul(x, wpT, 4, DIM, OUT));
    const original = await before();
    const dc = delta(cUp, cDown, CONV_OUT, 27, 0.8);
    expect(Math.max(...dc.map(Math.abs))).toBeGreaterThan(0.01);
    // The conv output moved; its exact values are checked against a merged copy of the weight below.
    expect(out['c']!.some((v, i) => Math.abs(v - original['c']![i]!) > 1e-3)).toBe(true);
    const graphAfter = readOnnxGraph(model);
    const conv = graphAfter.initializers.get('down_blocks.0.resnets.0.conv1.weight')!;
    const data = conv.data!.kind === 'raw' ? new Float32Array(model.slice(conv.data!.start, conv.data!.end).buffer) : new Float32Array();
    expectClose(data, fixture.weights.conv.map((w, i) => w + dc[i]!), 1e-6);
  });

  it('gives the same result with the weights in an external-data file, and strength 0 changes nothing', async () => {
    const embedded = fixture.model.slice();
    mergeLoras({ model: embedded }, readOnnxGraph(embedded), 'unet', [{ name: 'a', modules: readLora(kohya(2)).modules, strength: 1 }]);
    const split = withExternalData(fixture.model, 'weights.pb');
    const report = mergeLoras({ model: split.model, externalData: [{ path: 'weights.pb', data: split.data }] }, readOnnxGraph(split.model), 'unet', [
      { name: 'a', modules: readLora(kohya(2)).modules, strength: 1 },
    ]);
    expect(report.merged).toHaveLength(3);
    const a = await run(embedded);
    const b = await run(split.model, [{ path: 'weights.pb', data: split.data }]);
    for (const name of ['q', 'p', 'c']) expectClose(a[name]!, b[name]!, 1e-6);
    const untouched = fixture.model.slice();
    mergeLoras({ model: untouched }, readOnnxGraph(untouched), 'unet', [{ name: 'a', modules: readLora(kohya(2)).modules, strength: 0 }]);
    expect(untouched).toEqual(fixture.model);
  });

  it('matches diffusers (PEFT) naming to the same weight, and leaves other components alone', async () => {
    const peft = readLora(
      safetensors({
        'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight': { shape: [R, DIM], data: qDown },
        'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_B.weight': { shape: [OUT, R], data: qUp },
        'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight': { shape: [R, DIM], data: qDown },
        'text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight': { shape: [OUT, R], data: qUp },
      }),
    );
    const model = fixture.model.slice();
    const report = mergeLoras({ model }, readOnnxGraph(model), 'unet', [{ name: 'peft', modules: peft.modules, strength: 1 }]);
    expect(report.merged).toEqual(['peft: down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q']);
    const dq = delta(qUp, qDown, OUT, DIM, 1);
    const wq = fixture.weights.toQ.map((w, i) => w + dq[(i % OUT) * DIM + Math.floor(i / OUT)]!);
    expectClose((await run(model))['q']!, matmul(x, wq, 4, DIM, OUT));
  });

  it('patches float16 weights in place', () => {
    const weight = Float32Array.of(1, 2, 3, 4, 5, 6);
    const model = new Uint8Array(Uint16Array.from(weight, toHalf).buffer);
    const graph: OnnxGraph = {
      inputs: [],
      outputs: [],
      nodes: [{ name: '/blk/lin/MatMul', opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'], ints: {} }],
      initializers: new Map([['w', { name: 'w', dataType: 10, dims: [3, 2], data: { kind: 'raw', start: 0, end: 12 } }]]),
    };
    const lora = readLora(
      safetensors({ 'lora_unet_blk_lin.lora_down.weight': { shape: [1, 3], data: Float32Array.of(1, 0, 2) }, 'lora_unet_blk_lin.lora_up.weight': { shape: [2, 1], data: Float32Array.of(1, 0.5) } }),
    );
    mergeLoras({ model }, graph, 'unet', [{ name: 'h', modules: lora.modules, strength: 1 }]);
    // Δ = up·down = [[1, 0, 2], [0.5, 0, 1]] ([out, in]); W is [in, out].
    expect(Array.from(new Uint16Array(model.buffer), fromHalf)).toEqual([2, 2.5, 3, 4, 7, 7]);
  });

  it('patches the text encoder from lora_te_ keys at the clip strength, by the node scope', () => {
    const weight = Float32Array.of(1, 2, 3, 4, 5, 6); // [in 3, out 2]
    const model = new Uint8Array(weight.buffer.slice(0));
    const graph: OnnxGraph = {
      inputs: [],
      outputs: [],
      nodes: [{ name: '/text_model/encoder/layers.0/self_attn/q_proj/MatMul', opType: 'MatMul', inputs: ['h', 'onnx::MatMul_9'], outputs: ['q'], ints: {} }],
      initializers: new Map([['onnx::MatMul_9', { name: 'onnx::MatMul_9', dataType: 1, dims: [3, 2], data: { kind: 'raw', start: 0, end: 24 } }]]),
    };
    const lora = readLora(
      safetensors({
        'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': { shape: [1, 3], data: Float32Array.of(1, 0, 2) },
        'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight': { shape: [2, 1], data: Float32Array.of(1, 0.5) },
        'lora_unet_mid_block_attentions_0_proj_in.lora_down.weight': { shape: [1, 3], data: Float32Array.of(9, 9, 9) },
        'lora_unet_mid_block_attentions_0_proj_in.lora_up.weight': { shape: [2, 1], data: Float32Array.of(9, 9) },
      }),
    );
    const report = mergeLoras({ model }, graph, 'text_encoder', [{ name: 'te', modules: lora.modules, strength: 0.5 }]);
    expect(report).toEqual({ merged: ['te: text_model_encoder_layers_0_self_attn_q_proj'], skipped: [] });
    // Δ = 0.5·[[1, 0, 2], [0.5, 0, 1]] ([out, in]) added to W [in, out].
    expect(Array.from(new Float32Array(model.buffer))).toEqual([1.5, 2.25, 3, 4, 6, 6.5]);
  });
});
