// Mirrors diffusers scripts/convert_stable_diffusion_checkpoint_to_onnx.py (safety_checker/model.onnx,
// StableDiffusionSafetyChecker.forward_onnx): clip_input, images → out_images, has_nsfw_concepts.

import { layerNorm, linear } from '../onnx/linear.ts';
import { Net } from '../onnx/net.ts';
import { firstToken, patchEmbeddings, preNormEncoder } from '../onnx/transformer.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface SafetyCheckerOptions extends SeedOption {
  /** The CLIP input side (224 in the real checker). */
  imageSize?: number;
  patch?: number;
  width?: number;
  projection?: number;
  /** 17 concepts and 3 special-care concepts in the real checker. */
  concepts?: number;
  specialConcepts?: number;
  /**
   * Centre of the per-concept cosine thresholds. The default splits typical inputs into flagged
   * and clean; 1.1 never flags and -1.1 always does, for tests of either branch.
   */
  threshold?: number;
}

const DEFAULT_THRESHOLD = 0.5;

/** Rows of x divided by their L2 norm. */
function normalize(n: Net, x: string): string {
  const norm = n.op('Sqrt', [n.op('ReduceSum', [n.op('Mul', [x, x]), n.ints([-1])], { keepdims: 1 })]);
  return n.op('Div', [x, norm]);
}

/** Cosine similarity of [N, D] embeddings with `count` learned concept embeddings: [N, count]. */
function cosineToConcepts(n: Net, normedEmbeds: string, count: number, dim: number): string {
  const concepts = normalize(n, n.weight('concept_embeds', [count, dim], 1));
  return n.op('MatMul', [normedEmbeds, n.op('Transpose', [concepts], { perm: [1, 0] })]);
}

/**
 * clip_input float32 [batch, 3, 224, 224] (CLIP-normalized), images float32 [batch, height, width, 3]
 * (the decoded images, NHWC in [0, 1]) → out_images float32 [batch, height, width, 3] (flagged
 * images zeroed), has_nsfw_concepts bool [batch].
 */
export function buildSafetyChecker(o: SafetyCheckerOptions = {}): Uint8Array {
  const size = o.imageSize ?? 224;
  const width = o.width ?? 16;
  const projection = o.projection ?? 16;
  const concepts = o.concepts ?? 17;
  const special = o.specialConcepts ?? 3;
  const threshold = o.threshold ?? DEFAULT_THRESHOLD;
  const n = new Net('safety_checker', o.seed ?? DEFAULT_SEED);
  const clipInput = n.input('clip_input', 'float32', ['batch', 3, size, size]);
  const images = n.input('images', 'float32', ['batch', 'height', 'width', 3]);

  const embedded = layerNorm(n, patchEmbeddings(n, clipInput, { imageSize: size, patch: o.patch ?? 32, width, bias: false }), width);
  const hidden = preNormEncoder(n, embedded, { width, heads: 2, layers: 1 });
  const embeds = normalize(n, linear(n, layerNorm(n, firstToken(n, hidden), width), width, projection, false));

  const specialScores = n.op('Sub', [cosineToConcepts(n, embeds, special, projection), n.around('special_care_embeds_weights', [special], threshold, 0.05)]);
  const specialCare = n.op('Greater', [n.op('ReduceMax', [specialScores], { axes: [1], keepdims: 1 }), n.scalar(0)]);
  const adjustment = n.op('Mul', [n.op('Cast', [specialCare], { to: 1 }), n.scalar(0.01)]);
  const conceptScores = n.op('Add', [
    n.op('Sub', [cosineToConcepts(n, embeds, concepts, projection), n.around('concept_embeds_weights', [concepts], threshold, 0.05)]),
    adjustment,
  ]);
  const flagged = n.op('Greater', [n.op('ReduceMax', [conceptScores], { axes: [1], keepdims: 0 }), n.scalar(0)]);
  const blacked = n.op('Where', [n.op('Unsqueeze', [flagged, n.ints([1, 2, 3])]), n.scalar(0), images]);
  n.output(blacked, 'out_images', 'float32', ['batch', 'height', 'width', 3]);
  n.output(flagged, 'has_nsfw_concepts', 'bool', ['batch']);
  return n.bytes();
}
