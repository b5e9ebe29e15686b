// The fixture contract as data: for each tiny model, inputs a pipeline would feed and the output
// names, dtypes and shapes it must get back. Plain objects, no onnxruntime import, so the Node
// and the Chromium tests share one table.

import type { TinyModelName } from '../../scripts/tiny-models/index.ts';

export type FeedType = 'float32' | 'float64' | 'int64' | 'int32';
export type FeedData = Float32Array | Float64Array | BigInt64Array | Int32Array;

export interface Feed {
  type: FeedType;
  dims: number[];
  data: FeedData;
}

export interface ModelCase {
  inputs: Record<string, Feed>;
  outputs: Record<string, { type: 'float32' | 'bool'; dims: number[] }>;
}

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** A smooth deterministic pattern in [-scale, scale]: image-like, and identical on every run. */
export function pattern(dims: number[], scale = 1, phase = 0): Feed {
  const data = new Float32Array(count(dims));
  for (let i = 0; i < data.length; i++) data[i] = scale * Math.sin(0.37 * i + phase) * Math.cos(0.011 * i);
  return { type: 'float32', dims, data };
}

/** CLIP-tokenized "a photo of a cat" per row, padded with `pad` to `length`. */
export function clipIds(batch: number, length = 77, type: 'int64' | 'int32' = 'int64', pad = 49407): Feed {
  const prompt = [49406, 320, 1125, 539, 320, 2368, 49407];
  const values = Array.from({ length: batch * length }, (_, i) => prompt[i % length] ?? pad);
  const data = type === 'int64' ? BigInt64Array.from(values.map(BigInt)) : Int32Array.from(values);
  return { type, dims: [batch, length], data };
}

function int64(dims: number[], values: (i: number) => number): Feed {
  return { type: 'int64', dims, data: BigInt64Array.from({ length: count(dims) }, (_, i) => BigInt(values(i))) };
}

export function timestep(values: number[], type: 'float32' | 'int64' = 'float32'): Feed {
  const data = type === 'float32' ? Float32Array.from(values) : BigInt64Array.from(values.map(BigInt));
  return { type, dims: [values.length], data };
}

const unet = (channels: number, timestepType: 'float32' | 'int64' = 'float32'): ModelCase => ({
  inputs: {
    sample: pattern([2, channels, 16, 12]),
    timestep: timestep([981], timestepType),
    encoder_hidden_states: pattern([2, 77, 16], 1, 1),
  },
  outputs: { out_sample: { type: 'float32', dims: [2, 4, 16, 12] } },
});

export const modelCases: Record<TinyModelName, ModelCase> = {
  'clip-vision': {
    inputs: { pixel_values: pattern([2, 3, 224, 224], 2) },
    outputs: { image_embeds: { type: 'float32', dims: [2, 16] }, last_hidden_state: { type: 'float32', dims: [2, 50, 32] } },
  },
  'clip-text': {
    inputs: { input_ids: clipIds(2) },
    outputs: { text_embeds: { type: 'float32', dims: [2, 16] }, last_hidden_state: { type: 'float32', dims: [2, 77, 16] } },
  },
  'blip-vision': {
    inputs: { pixel_values: pattern([1, 3, 384, 384], 2) },
    outputs: { last_hidden_state: { type: 'float32', dims: [1, 577, 16] }, pooler_output: { type: 'float32', dims: [1, 16] } },
  },
  'blip-text-decoder': {
    inputs: {
      // [CLS]-style start (BLIP uses bos 30522) then "a picture of".
      input_ids: int64([1, 4], (i) => [30522, 1037, 3861, 1997][i]!),
      attention_mask: int64([1, 4], () => 1),
      encoder_hidden_states: pattern([1, 577, 16]),
    },
    outputs: { logits: { type: 'float32', dims: [1, 4, 30524] } },
  },
  'coca-vision': {
    inputs: { pixel_values: pattern([2, 3, 224, 224], 2) },
    outputs: { image_embeds: { type: 'float32', dims: [2, 16] }, image_tokens: { type: 'float32', dims: [2, 7, 16] } },
  },
  'coca-text-decoder': {
    // <start_of_text> "a photo of".
    inputs: { input_ids: int64([1, 4], (i) => [49406, 320, 1125, 539][i]!), image_tokens: pattern([1, 7, 16]) },
    outputs: { logits: { type: 'float32', dims: [1, 4, 49408] } },
  },
  'esrgan-x2': {
    inputs: { input: pattern([1, 3, 20, 12], 0.5) },
    outputs: { output: { type: 'float32', dims: [1, 3, 40, 24] } },
  },
  'esrgan-x4': {
    inputs: { input: pattern([1, 3, 20, 12], 0.5) },
    outputs: { output: { type: 'float32', dims: [1, 3, 80, 48] } },
  },
  gfpgan: {
    inputs: { input: pattern([1, 3, 512, 512]) },
    outputs: { output: { type: 'float32', dims: [1, 3, 512, 512] } },
  },
  codeformer: {
    inputs: { x: pattern([1, 3, 512, 512]), w: { type: 'float64', dims: [1], data: Float64Array.of(0.5) } },
    outputs: { y: { type: 'float32', dims: [1, 3, 512, 512] } },
  },
  retinaface: {
    // 64×96: P = 2·(8·12 + 4·6 + 2·3) = 252 priors.
    inputs: { input: pattern([1, 3, 64, 96], 100) },
    outputs: {
      loc: { type: 'float32', dims: [1, 252, 4] },
      conf: { type: 'float32', dims: [1, 252, 2] },
      landms: { type: 'float32', dims: [1, 252, 10] },
    },
  },
  'safety-checker': {
    // Phase 2 gives one flagged and one clean image with the default seed and threshold.
    inputs: { clip_input: pattern([2, 3, 224, 224], 2, 2), images: pattern([2, 24, 16, 3], 0.5, 2) },
    outputs: { out_images: { type: 'float32', dims: [2, 24, 16, 3] }, has_nsfw_concepts: { type: 'bool', dims: [2] } },
  },
  'sd-text-encoder': {
    inputs: { input_ids: clipIds(2, 77, 'int32') },
    outputs: { last_hidden_state: { type: 'float32', dims: [2, 77, 16] }, pooler_output: { type: 'float32', dims: [2, 16] } },
  },
  'sd-unet': unet(4),
  'sd-unet-int64-timestep': unet(4, 'int64'),
  'sd-unet-inpaint': unet(9),
  'sd-unet-depth': unet(5),
  'sd-vae-encoder': {
    inputs: { sample: pattern([1, 3, 64, 48]) },
    outputs: { latent_sample: { type: 'float32', dims: [1, 4, 8, 6] } },
  },
  'sd-vae-decoder': {
    inputs: { latent_sample: pattern([1, 4, 8, 6], 3) },
    outputs: { sample: { type: 'float32', dims: [1, 3, 64, 48] } },
  },
  'depth-dpt': {
    inputs: { pixel_values: pattern([2, 3, 32, 48], 2) },
    outputs: { predicted_depth: { type: 'float32', dims: [2, 32, 48] } },
  },
};
