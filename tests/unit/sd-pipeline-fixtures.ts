// Shared by the sd-pipeline tests: the tiny fixture models (scripts/tiny-models) opened with
// onnxruntime-web's wasm backend in Node, described as the worker would describe them, and
// counting their runs.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { tinyModels, type TinyModelName } from '../../scripts/tiny-models/index.ts';
import { describeTextEncoder, describeUnet } from '../../src/pipelines/stable-diffusion/onnx/describe.ts';
import { readOnnxGraph } from '../../src/pipelines/stable-diffusion/onnx/model.ts';
import type { ModelRun, SdModels } from '../../src/pipelines/stable-diffusion/pipeline/types.ts';
import type { TensorData } from '../../src/runtime/tensor.ts';
import { clipTokenizer } from './clip-fixtures.ts';

export const counts = new Map<string, number>();

export function bytesOf(name: TinyModelName): Uint8Array {
  try {
    return new Uint8Array(readFileSync(new URL(`../fixtures/models/${name}.onnx`, import.meta.url)));
  } catch {
    return tinyModels[name].build();
  }
}

export function runnerOf(session: ort.InferenceSession, label: string): ModelRun {
  return async (feeds) => {
    counts.set(label, (counts.get(label) ?? 0) + 1);
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
    const outputs = await session.run(ortFeeds);
    return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { type: t.type, dims: [...t.dims], data: t.data } as TensorData]));
  };
}

export async function openRunner(bytes: Uint8Array, label: string): Promise<ModelRun> {
  return runnerOf(await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }), label);
}

const opened = new Map<string, Promise<ModelRun>>();
function shared(name: TinyModelName): Promise<ModelRun> {
  let runner = opened.get(name);
  if (!runner) opened.set(name, (runner = openRunner(bytesOf(name), name)));
  return runner;
}

export type UNetFixture = 'sd-unet' | 'sd-unet-inpaint' | 'sd-unet-depth' | 'sd-unet-int64-timestep';

/** The fixture SD model with the given UNet, as the worker would assemble it. */
export async function fixtureModels(unet: UNetFixture = 'sd-unet'): Promise<SdModels> {
  const tokenizer = clipTokenizer();
  return {
    family: 'sd1',
    prediction: 'epsilon',
    tokenize: (text) => tokenizer.encode(text).slice(1, -1),
    textEncoder: await shared('sd-text-encoder'),
    textInfo: describeTextEncoder(readOnnxGraph(bytesOf('sd-text-encoder'), { interfaceOnly: true })),
    unet: await shared(unet),
    unetInfo: describeUnet(readOnnxGraph(bytesOf(unet))),
    vaeDecoder: await shared('sd-vae-decoder'),
    vaeEncoder: await shared('sd-vae-encoder'),
    depth: await shared('depth-dpt'),
  };
}

/** A seeded test picture with some structure (a gradient and a disc). */
export function picture(width: number, height: number, alphaHole = false): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width / 4) ** 2;
      data[i] = (255 * x) / width;
      data[i + 1] = inside ? 220 : 40;
      data[i + 2] = (255 * y) / height;
      data[i + 3] = alphaHole && inside ? 0 : 255;
    }
  }
  return { width, height, data };
}

export function sameBytes(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
