// CLIP's text transformer (transformers' CLIPTextModel, as SD's text encoder) over TrainOps:
// token + position embeddings, pre-norm layers of causal self-attention and an MLP, a final
// layer norm; last_hidden_state is the UNet's encoder_hidden_states. The embedding tables stay
// on the host: they are frozen, and a lookup needs no kernel. Mirrors scripts/tiny-models/clip.ts
// (clipTextTower) for the fixture.

import { InvalidInputError } from '../../../shared/errors.ts';
import type { TrainBackend, TrainOps } from '../graph/backend.ts';
import { linearOf, multiHeadAttention, param } from '../graph/blocks.ts';
import { linearWithLora, type LoraConfig, type LoraRun } from '../lora/lora.ts';
import { loadWeights, type LoadedWeights } from '../weights/load.ts';
import type { WeightSource } from '../weights/sources.ts';
import { ParamList, type ParamSpec } from '../unet/params.ts';

export interface ClipTextLayout {
  vocab: number;
  width: number;
  heads: number;
  layers: number;
  maxPositions: number;
  /** OpenAI CLIP (SD 1.x) uses quick_gelu, OpenCLIP (SD 2.x) gelu. */
  activation: 'quick_gelu' | 'gelu';
}

export const FIXTURE_TEXT: ClipTextLayout = { vocab: 49408, width: 16, heads: 2, layers: 2, maxPositions: 77, activation: 'quick_gelu' };
export const SD1_TEXT: ClipTextLayout = { vocab: 49408, width: 768, heads: 12, layers: 12, maxPositions: 77, activation: 'quick_gelu' };

const P = 'text_model';

/** Parameter list in the fixture builder's order. */
export function clipTextParams(l: ClipTextLayout): ParamSpec[] {
  const p = new ParamList();
  p.add(`${P}.embeddings.token_embedding.weight`, [l.vocab, l.width], 'embed_tokens');
  p.add(`${P}.embeddings.position_embedding.weight`, [l.maxPositions, l.width], 'embed_positions');
  for (let i = 0; i < l.layers; i++) {
    const layer = `${P}.encoder.layers.${i}`;
    p.layerNorm(`${layer}.layer_norm1`, l.width);
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) p.linear(`${layer}.self_attn.${proj}`, l.width, l.width, true);
    p.layerNorm(`${layer}.layer_norm2`, l.width);
    p.linear(`${layer}.mlp.fc1`, l.width, 4 * l.width, true);
    p.linear(`${layer}.mlp.fc2`, 4 * l.width, l.width, true);
  }
  p.layerNorm(`${P}.final_layer_norm`, l.width);
  return p.specs;
}

export interface TextWeights<T> extends LoadedWeights<T> {
  layout: ClipTextLayout;
  tokenEmbedding: Float32Array;
  positionEmbedding: Float32Array;
}

const isEmbedding = (spec: ParamSpec) => spec.kind === 'embed_tokens' || spec.kind === 'embed_positions';

export function loadClipText<T>(backend: TrainBackend<T>, layout: ClipTextLayout, source: WeightSource, lora: LoraConfig | null, seed: number): TextWeights<T> {
  const specs = clipTextParams(layout);
  const [tokens, positions] = specs.filter(isEmbedding).map(source) as [Float32Array, Float32Array];
  const loaded = loadWeights(backend, specs.filter((s) => !isEmbedding(s)), source, { component: 'text_encoder', lora, seed });
  return { ...loaded, layout, tokenEmbedding: tokens, positionEmbedding: positions };
}

/** Token rows plus positions: [B, L, width]. */
export function embedIds(w: Pick<TextWeights<unknown>, 'layout' | 'tokenEmbedding' | 'positionEmbedding'>, ids: readonly (readonly number[])[]): Float32Array {
  const { width, vocab, maxPositions } = w.layout;
  const length = ids[0]?.length ?? 0;
  if (length > maxPositions) throw new InvalidInputError(`${length} tokens; this text encoder reads at most ${maxPositions}.`);
  const out = new Float32Array(ids.length * length * width);
  ids.forEach((row, b) =>
    row.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new InvalidInputError(`Token id ${id} is outside the vocabulary (${vocab}).`);
      const at = (b * length + i) * width;
      for (let k = 0; k < width; k++) out[at + k] = w.tokenEmbedding[id * width + k]! + w.positionEmbedding[i * width + k]!;
    }),
  );
  return out;
}

function activate<T>(ops: TrainOps<T>, x: T, activation: ClipTextLayout['activation']): T {
  // quick_gelu(x) = x · σ(1.702 x), as OpenAI's CLIP defines it.
  return activation === 'gelu' ? ops.gelu(x) : ops.mul(x, ops.sigmoid(ops.scale(x, 1.702)));
}

/** ids [B][L] → last_hidden_state [B, L, width]. */
export function clipTextForward<T>(ops: TrainOps<T>, w: TextWeights<T>, ids: readonly (readonly number[])[], lora: LoraRun): T {
  const l = w.layout;
  const length = ids[0]?.length ?? 0;
  let h = ops.constant(embedIds(w, ids), [ids.length, length, l.width]);
  const norm = (x: T, module: string) => ops.layerNorm(x, param(w, `${module}.weight`), param(w, `${module}.bias`), 1e-5);
  for (let i = 0; i < l.layers; i++) {
    const layer = `${P}.encoder.layers.${i}`;
    const x = norm(h, `${layer}.layer_norm1`);
    const lin = (proj: string, input: T) => linearWithLora(ops, input, linearOf(w, `${layer}.self_attn.${proj}`), lora);
    h = ops.add(h, lin('out_proj', multiHeadAttention(ops, lin('q_proj', x), lin('k_proj', x), lin('v_proj', x), l.heads, true)));
    const m = norm(h, `${layer}.layer_norm2`);
    const fc1 = ops.linear(m, param(w, `${layer}.mlp.fc1.weight`), param(w, `${layer}.mlp.fc1.bias`));
    h = ops.add(h, ops.linear(activate(ops, fc1, l.activation), param(w, `${layer}.mlp.fc2.weight`), param(w, `${layer}.mlp.fc2.bias`)));
  }
  return norm(h, `${P}.final_layer_norm`);
}
