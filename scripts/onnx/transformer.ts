// Transformer pieces shared by the CLIP, BLIP and safety-checker fixtures: pre-LN encoder layers
// (CLIP), ViT patch embeddings with a class token, and the token poolings the exports use.

import { attention } from './attention.ts';
import { conv2d } from './conv.ts';
import { layerNorm, linear } from './linear.ts';
import { add, dimOf, gelu, quickGelu, type Net } from './net.ts';

export type Activation = 'gelu' | 'quick_gelu';

export interface EncoderOptions {
  width: number;
  heads: number;
  layers: number;
  mlpRatio?: number;
  activation?: Activation;
  /** Additive attention mask for every layer (causal text encoders). */
  mask?: string;
}

function activate(n: Net, x: string, activation: Activation): string {
  return activation === 'gelu' ? gelu(n, x) : quickGelu(n, x);
}

export function mlp(n: Net, x: string, width: number, hidden: number, activation: Activation): string {
  return linear(n, activate(n, linear(n, x, width, hidden), activation), hidden, width);
}

/** CLIP's encoder: layers of x + attn(LN(x)), x + mlp(LN(x)). */
export function preNormEncoder(n: Net, x: string, o: EncoderOptions): string {
  const hidden = o.width * (o.mlpRatio ?? 4);
  let h = x;
  for (let i = 0; i < o.layers; i++) {
    const attnOptions = o.mask ? { dim: o.width, heads: o.heads, mask: o.mask } : { dim: o.width, heads: o.heads };
    h = add(n, h, attention(n, layerNorm(n, h, o.width), undefined, attnOptions));
    h = add(n, h, mlp(n, layerNorm(n, h, o.width), o.width, hidden, o.activation ?? 'quick_gelu'));
  }
  return h;
}

export interface PatchOptions {
  imageSize: number;
  patch: number;
  width: number;
  /** CLIP's patch conv has no bias; BLIP's has one. */
  bias: boolean;
}

/**
 * ViT embeddings: a patch conv to [N, width, g, g] → tokens [N, g², width], a learned class token
 * prepended (expanded to the runtime batch), plus learned positions. Returns [N, g²+1, width].
 */
export function patchEmbeddings(n: Net, pixels: string, o: PatchOptions): string {
  if (o.imageSize % o.patch !== 0) throw new Error(`patchEmbeddings: ${o.imageSize} is not a multiple of patch ${o.patch}`);
  const grid = o.imageSize / o.patch;
  const patches = conv2d(n, pixels, 3, o.width, o.patch, { stride: o.patch, pads: [0, 0, 0, 0], bias: o.bias });
  const tokens = n.op('Transpose', [n.op('Reshape', [patches, n.ints([0, o.width, -1])])], { perm: [0, 2, 1] });
  const classShape = n.op('Concat', [dimOf(n, pixels, 0), n.ints([1, o.width])], { axis: 0 });
  const classToken = n.op('Expand', [n.weight('class_embedding', [1, 1, o.width], 1, 0.1), classShape]);
  const sequence = n.op('Concat', [classToken, tokens], { axis: 1 });
  return add(n, sequence, n.weight('position_embedding', [1, grid * grid + 1, o.width], 1, 0.1));
}

/** The first token of [N, S, W] as [N, W] (ViT's class token). */
export function firstToken(n: Net, x: string): string {
  return n.op('Gather', [x, n.ints([0], true)], { axis: 1 });
}

/**
 * CLIP text pooling: the hidden state at the position of the largest token id (the end-of-text
 * token, 49407, is the largest in CLIP's vocabulary). Written as a one-hot weighted sum so it runs
 * on every backend, where a per-row gather would need GatherND.
 */
export function poolAtMaxToken(n: Net, hidden: string, ids: string): string {
  const eos = n.op('ArgMax', [n.op('Cast', [ids], { to: 1 })], { axis: 1, keepdims: 1 });
  const length = n.op('Gather', [n.op('Shape', [ids]), n.ints([1], true)], { axis: 0 });
  const positions = n.op('Unsqueeze', [n.op('Range', [n.ints([0], true), length, n.ints([1], true)]), n.ints([0])]);
  const oneHot = n.op('Cast', [n.op('Equal', [positions, eos])], { to: 1 });
  const weighted = n.op('Mul', [hidden, n.op('Unsqueeze', [oneHot, n.ints([2])])]);
  return n.op('ReduceSum', [weighted, n.ints([1])], { keepdims: 0 });
}
