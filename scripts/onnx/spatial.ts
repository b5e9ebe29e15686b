// Attention over feature maps, as SD's UNet (Transformer2DModel) and VAE (mid-block attention)
// export it: NCHW ↔ [N, H·W, C] reshapes around ordinary token attention.

import { attention } from './attention.ts';
import { conv2d, groupNorm } from './conv.ts';
import { layerNorm, linear } from './linear.ts';
import { add, gelu, mul, type Net } from './net.ts';

/** [N, C, H, W] → [N, H·W, C]. */
export function toSequence(n: Net, x: string, channels: number): string {
  return n.op('Transpose', [n.op('Reshape', [x, n.ints([0, channels, -1])])], { perm: [0, 2, 1] });
}

/** [N, H·W, C] → the runtime shape of `like` ([N, C, H, W]). */
export function fromSequence(n: Net, sequence: string, like: string): string {
  return n.op('Reshape', [n.op('Transpose', [sequence], { perm: [0, 2, 1] }), n.op('Shape', [like])]);
}

/** Diffusers' GEGLU feed-forward: project to 2·inner, gate one half with GELU of the other. */
function gegluFeedForward(n: Net, x: string, dim: number): string {
  const inner = dim * 4;
  const [value, gate] = n.g.nodeMulti('Split', [linear(n, x, dim, inner * 2), n.ints([inner, inner])], 2, { axis: -1 });
  return linear(n, mul(n, value!, gelu(n, gate!)), inner, dim);
}

export interface SpatialTransformerOptions {
  channels: number;
  heads: number;
  groups: number;
  contextDim: number;
}

/**
 * SD 1.x's Transformer2DModel with one BasicTransformerBlock: GN → 1×1 proj_in → self-attention,
 * cross-attention on `context` ([N, S, contextDim], the text encoder's states), GEGLU MLP → 1×1
 * proj_out, plus the residual.
 */
export function spatialTransformer(n: Net, x: string, context: string, o: SpatialTransformerOptions): string {
  const c = o.channels;
  const projected = conv2d(n, groupNorm(n, x, c, o.groups, 1e-6), c, c, 1);
  let h = toSequence(n, projected, c);
  h = add(n, h, attention(n, layerNorm(n, h, c), undefined, { dim: c, heads: o.heads, qkvBias: false }));
  h = add(n, h, attention(n, layerNorm(n, h, c), context, { dim: c, heads: o.heads, contextDim: o.contextDim, qkvBias: false }));
  h = add(n, h, gegluFeedForward(n, layerNorm(n, h, c), c));
  return add(n, x, conv2d(n, fromSequence(n, h, x), c, c, 1));
}

/** The VAE mid-block's single-head self-attention over all pixels, with its residual. */
export function spatialSelfAttention(n: Net, x: string, channels: number, groups: number): string {
  const sequence = toSequence(n, groupNorm(n, x, channels, groups, 1e-6), channels);
  const attended = attention(n, sequence, undefined, { dim: channels, heads: 1 });
  return add(n, x, fromSequence(n, attended, x));
}
