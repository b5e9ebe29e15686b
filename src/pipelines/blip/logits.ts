// Next-token score processing, as Hugging Face's generate() applies it (generation/logits_process.py):
// repetition penalty and minimum length first, then for sampling temperature, top-k and top-p.
// Every function works in place on one row of vocab scores.

/**
 * CTRL's repetition penalty: every token already in the sequence (prompt included, each once) has
 * its score divided by the penalty when positive and multiplied when negative, so it always
 * becomes less likely. 1 leaves the scores alone.
 */
export function applyRepetitionPenalty(scores: Float32Array, sequence: readonly number[], penalty: number): void {
  if (penalty === 1) return;
  for (const token of new Set(sequence)) {
    if (token < 0 || token >= scores.length) continue;
    const s = scores[token]!;
    scores[token] = s < 0 ? s * penalty : s / penalty;
  }
}

/** HF's MinLengthLogitsProcessor: the end token cannot be chosen while the sequence is shorter than minLength. */
export function blockEndBeforeMinLength(scores: Float32Array, length: number, minLength: number, eosTokenId: number): void {
  if (length < minLength) scores[eosTokenId] = -Infinity;
}

function maxOf(scores: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  return max;
}

/** A new row of log-probabilities (indexed loops: this runs on every vocab row of every step). */
export function logSoftmax(scores: Float32Array): Float32Array {
  const max = maxOf(scores);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(scores[i]! - max);
  const logZ = max + Math.log(sum);
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i]! - logZ;
  return out;
}

export function softmaxRow(scores: Float32Array): Float64Array {
  const max = maxOf(scores);
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += out[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Index of the highest score; the first one on ties (torch.argmax does the same). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

export function applyTemperature(scores: Float32Array, temperature: number): void {
  if (temperature === 1) return;
  for (let i = 0; i < scores.length; i++) scores[i]! /= temperature;
}

/** HF's TopKLogitsWarper: scores below the k-th highest become −∞ (ties with it stay). 0 disables. */
export function applyTopK(scores: Float32Array, k: number): void {
  if (k <= 0 || k >= scores.length) return;
  const kth = Float32Array.from(scores).sort((a, b) => b - a)[k - 1]!;
  for (let i = 0; i < scores.length; i++) if (scores[i]! < kth) scores[i] = -Infinity;
}

/**
 * HF's TopPLogitsWarper (nucleus): sort ascending, drop the tokens whose cumulative probability
 * stays within 1 − p, so the smallest set holding at least p of the mass remains (never empty).
 */
export function applyTopP(scores: Float32Array, p: number): void {
  if (p >= 1) return;
  const probs = softmaxRow(scores);
  const ascending = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]! || b - a);
  let cumulative = 0;
  // The last (most likely) token is always kept.
  for (let r = 0; r < ascending.length - 1; r++) {
    const token = ascending[r]!;
    cumulative += probs[token]!;
    if (cumulative > 1 - p) break;
    scores[token] = -Infinity;
  }
}
