// What the pipeline does with the token weights and clip_skip once the text encoder has run.

/**
 * Scales each token's embedding by its weight, then rescales the whole chunk so its mean is what
 * it was: weights change the balance between tokens, not the overall magnitude. Port of
 * AUTOMATIC1111 modules/sd_emphasis.py EmphasisOriginal.after_transformers.
 * `hidden` is one chunk's encoder output, tokens × dims, row-major; it is changed in place.
 */
export function applyTokenWeights(hidden: Float32Array, weights: readonly number[], dims: number): Float32Array {
  if (hidden.length !== weights.length * dims) throw new RangeError(`hidden state has ${hidden.length} values, expected ${weights.length}×${dims}`);
  if (weights.every((w) => w === 1)) return hidden; // nothing to do, and no rounding
  let before = 0;
  for (const v of hidden) before += v;
  let after = 0;
  for (let t = 0; t < weights.length; t++) {
    const w = weights[t]!;
    for (let d = 0; d < dims; d++) {
      const i = t * dims + d;
      hidden[i] = hidden[i]! * w;
      after += hidden[i]!;
    }
  }
  const restore = before / after;
  for (let i = 0; i < hidden.length; i++) hidden[i] = hidden[i]! * restore;
  return hidden;
}

export type TextEncoderFamily = 'sd1' | 'sd2';

export interface ClipOutputPlan {
  /** Which transformer layer's output to use, counted from the end: 1 = the last layer. */
  layerFromEnd: number;
  /** Apply the final layer norm to it (always, in both families). */
  finalLayerNorm: true;
}

/**
 * clip_skip. SD1 (A1111 CLIP_stop_at_last_layers, the Horde's clip_skip): 1 = the last layer,
 * n = the n-th from the end, then the final layer norm. SD2 was trained on OpenCLIP's penultimate
 * layer (v2-inference.yaml layer "penultimate"), so 1 and 2 both give that one, and larger values
 * go further up; A1111 ignores the setting for SD2, ComfyUI counts from the last layer: ours is a
 * choice between the two, documented here.
 */
export function clipOutputPlan(family: TextEncoderFamily, clipSkip = 1): ClipOutputPlan {
  if (!(Number.isInteger(clipSkip) && clipSkip >= 1)) throw new RangeError(`clip_skip must be a whole number of at least 1, got ${clipSkip}`);
  return { layerFromEnd: family === 'sd2' ? Math.max(2, clipSkip) : clipSkip, finalLayerNorm: true };
}
