// Multi-head attention as transformers and diffusers export it (no fused Attention op): per-head
// reshape/transpose, scaled QKᵀ, an additive mask, Softmax, and the output projection. The same
// helper serves self-attention (context omitted) and cross-attention (SD, BLIP's decoder).

import { linear } from './linear.ts';
import { mul, type Net } from './net.ts';

// A large finite negative rather than -inf: a fully masked row then softmaxes to uniform weights
// instead of NaN, which is what the real exports' finfo.min masks do too.
const MASKED = -1e9;
// Weight gains for random attention. With plain 1/√fan-in weights attention is nearly uniform, each
// token receives the average of all others, and a pooled token (CLIP's class token, which starts as
// the same vector for every image) ends up almost independent of the input: cosine 0.999 between
// the embeddings of unrelated images. Sharper scores (q, k) and a stronger attended signal (v, out)
// keep fixture outputs input-dependent, as trained models are.
const QK_GAIN = 2.5;
const VO_GAIN = 2;

export interface AttentionOptions {
  dim: number;
  heads: number;
  /** Width of the context for cross-attention; defaults to `dim`. */
  contextDim?: number;
  /** Additive mask broadcastable to [N, heads, S_query, S_key]. */
  mask?: string;
  /** Bias on the q/k/v projections (CLIP and BERT have it, SD's attention does not). */
  qkvBias?: boolean;
}

function splitHeads(n: Net, x: string, heads: number, headDim: number, perm: number[]): string {
  return n.op('Transpose', [n.op('Reshape', [x, n.ints([0, 0, heads, headDim])])], { perm });
}

/** x: [N, S, dim]; context: [N, S_ctx, contextDim] or undefined. Returns [N, S, dim]. */
export function attention(n: Net, x: string, context: string | undefined, o: AttentionOptions): string {
  if (o.dim % o.heads !== 0) throw new Error(`attention: ${o.dim} does not split into ${o.heads} heads`);
  const headDim = o.dim / o.heads;
  const source = context ?? x;
  const sourceDim = o.contextDim ?? o.dim;
  const bias = o.qkvBias ?? true;
  const q = splitHeads(n, linear(n, x, o.dim, o.dim, bias, QK_GAIN), o.heads, headDim, [0, 2, 1, 3]);
  const kT = splitHeads(n, linear(n, source, sourceDim, o.dim, bias, QK_GAIN), o.heads, headDim, [0, 2, 3, 1]);
  const v = splitHeads(n, linear(n, source, sourceDim, o.dim, bias, VO_GAIN), o.heads, headDim, [0, 2, 1, 3]);
  let scores = mul(n, n.op('MatMul', [q, kT]), n.scalar(1 / Math.sqrt(headDim)));
  if (o.mask) scores = n.op('Add', [scores, o.mask]);
  const weighted = n.op('MatMul', [n.op('Softmax', [scores], { axis: -1 }), v]);
  const merged = n.op('Reshape', [n.op('Transpose', [weighted], { perm: [0, 2, 1, 3] }), n.ints([0, 0, o.dim])]);
  return linear(n, merged, o.dim, o.dim, true, VO_GAIN);
}

/** A causal mask [S, S] (0 on and below the diagonal, MASKED above) for a [N, S, ...] sequence. */
export function causalMask(n: Net, sequence: string): string {
  const length = n.op('Gather', [n.op('Shape', [sequence]), n.ints([1], true)], { axis: 0 });
  const positions = n.op('Range', [n.ints([0], true), length, n.ints([1], true)]);
  const rows = n.op('Unsqueeze', [positions, n.ints([1])]);
  const columns = n.op('Unsqueeze', [positions, n.ints([0])]);
  return n.op('Where', [n.op('Greater', [columns, rows]), n.scalar(MASKED), n.scalar(0)]);
}

/** A padding mask [N, 1, 1, S] from a [N, S] 0/1 attention_mask of any numeric type. */
export function paddingMask(n: Net, attentionMask: string): string {
  const keep = n.op('Cast', [attentionMask], { to: 1 });
  const blocked = n.op('Sub', [n.scalar(1), keep]);
  return n.op('Unsqueeze', [mul(n, blocked, n.scalar(MASKED)), n.ints([1, 2])]);
}
