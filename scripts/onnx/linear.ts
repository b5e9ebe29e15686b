// Dense layers in the layout torch.onnx emits for nn.Linear on 3-D inputs: MatMul with a [in, out]
// weight then Add, plus LayerNormalization (an ONNX op since opset 17) and embedding lookups.

import { add, type Net } from './net.ts';

export function linear(n: Net, x: string, inDim: number, outDim: number, bias = true, gain = 1): string {
  const y = n.op('MatMul', [x, n.weight('linear_w', [inDim, outDim], inDim, gain)]);
  return bias ? add(n, y, n.weight('linear_b', [outDim], inDim, 0.5)) : y;
}

export function layerNorm(n: Net, x: string, dim: number, epsilon = 1e-5): string {
  return n.op('LayerNormalization', [x, n.around('ln_gamma', [dim], 1, 0.1), n.weight('ln_beta', [dim], 1, 0.1)], {
    axis: -1,
    epsilon: { float: epsilon },
  });
}

/** A token table [vocab, dim] and its lookup; returns both so a decoder can tie its output head. */
export function embedding(n: Net, ids: string, vocab: number, dim: number): { value: string; table: string } {
  // Unit-scale rows, like nn.Embedding's N(0, 1) init.
  const table = n.weight('embed_tokens', [vocab, dim], 1);
  return { value: n.op('Gather', [table, ids], { axis: 0 }), table };
}

/**
 * Learned position embeddings for a [N, S, ...] sequence: positions 0..S-1 are computed from the
 * runtime length, so one graph serves any length up to `maxPositions`.
 */
export function positionEmbedding(n: Net, sequence: string, maxPositions: number, dim: number): string {
  const table = n.weight('embed_positions', [maxPositions, dim], 1, 0.5);
  const length = n.op('Gather', [n.op('Shape', [sequence]), n.ints([1], true)], { axis: 0 });
  const positions = n.op('Range', [n.ints([0], true), length, n.ints([1], true)]);
  return n.op('Gather', [table, positions], { axis: 0 });
}
