// Embedding arithmetic for interrogation. Port of nataili clip/interrogate.py's rank() and
// similarity(): rank = softmax(100 · image · textᵀ) averaged over images, top k as percentages;
// similarity = the raw cosine (dot product of unit vectors), highest first.
import { InvalidInputError } from '../../shared/errors.ts';

/** CLIP's learned logit scale, fixed at its trained maximum (exp(4.6052) = 100). */
export const CLIP_LOGIT_SCALE = 100;

export interface RankEntry {
  text: string;
  /** Softmax probability among the set, in percent (0–100). */
  confidence: number;
}

export interface SimilarityEntry {
  text: string;
  /** Cosine similarity, −1…1 (CLIP scores of matching pairs are typically 0.2–0.4). */
  similarity: number;
}

/** A unit-length copy; a zero vector stays zero rather than becoming NaN. */
export function l2Normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

/** Rows of a row-major [rows, dim] array, each normalised. */
export function normalizeRows(data: Float32Array, rows: number, dim: number): Float32Array[] {
  if (data.length !== rows * dim) throw new InvalidInputError(`Expected ${rows}×${dim} = ${rows * dim} values; got ${data.length}.`);
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) out.push(l2Normalize(data.subarray(r * dim, (r + 1) * dim)));
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new InvalidInputError(`Embeddings of ${a.length} and ${b.length} values cannot be compared: were they made by the same model?`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Numerically stable softmax (the maximum is subtracted first). */
export function softmax(logits: readonly number[]): number[] {
  if (logits.length === 0) return [];
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * Per-label probability that the label describes the images: softmax(scale · image · textᵀ)
 * over the set, averaged over the images (nataili averages when it holds several features).
 */
export function labelProbabilities(images: readonly ArrayLike<number>[], texts: readonly ArrayLike<number>[], scale = CLIP_LOGIT_SCALE): number[] {
  if (images.length === 0) throw new InvalidInputError('Ranking needs at least one image embedding.');
  const mean = new Array<number>(texts.length).fill(0);
  for (const image of images) {
    const probs = softmax(texts.map((t) => scale * dot(image, t)));
    probs.forEach((p, i) => (mean[i]! += p / images.length));
  }
  return mean;
}

/** Indices of the k largest values, largest first; ties keep the earlier index first (stable). */
export function topK(values: readonly number[], k: number): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, Math.max(0, Math.min(k, values.length)));
}

/** The top `topCount` labels with their confidence in percent. */
export function rankLabels(
  images: readonly ArrayLike<number>[],
  labels: readonly string[],
  texts: readonly ArrayLike<number>[],
  topCount = 2,
): RankEntry[] {
  if (labels.length !== texts.length) throw new InvalidInputError(`${labels.length} labels but ${texts.length} text embeddings.`);
  const probs = labelProbabilities(images, texts);
  return topK(probs, topCount).map((i) => ({ text: labels[i]!, confidence: probs[i]! * 100 }));
}

/** Every label with its cosine similarity to the image, most similar first. */
export function similarityLabels(image: ArrayLike<number>, labels: readonly string[], texts: readonly ArrayLike<number>[]): SimilarityEntry[] {
  if (labels.length !== texts.length) throw new InvalidInputError(`${labels.length} labels but ${texts.length} text embeddings.`);
  const sims = texts.map((t) => dot(image, t));
  return topK(sims, sims.length).map((i) => ({ text: labels[i]!, similarity: sims[i]! }));
}
