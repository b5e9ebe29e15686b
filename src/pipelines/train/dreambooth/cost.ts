// What one DreamBooth-LoRA step costs for a layout, counted on CountOps (no weights needed):
// floating-point work of the forward and backward by kind of op, bytes the step's tensors hold,
// and the weights' bytes. Used for the real-size (SD 1.5, 512²) estimates in bench/train.ts.

import { CountOps, CountTensor, type OpCount } from '../graph/count-ops.ts';
import { loraRun, type LoraConfig, type LoraLayer } from '../lora/lora.ts';
import { isLoraTarget } from '../lora/targets.ts';
import { clipTextForward, clipTextParams, type ClipTextLayout, type TextWeights } from '../text/clip-text.ts';
import { unetForward } from '../unet/forward.ts';
import type { UnetLayout } from '../unet/layout.ts';
import { linearModules, unetParams, type ParamSpec } from '../unet/params.ts';

export interface StepCost {
  kinds: Map<string, OpCount>;
  forwardFlops: number;
  backwardFlops: number;
  /** Every tensor a step makes, kept until it ends (the kernels' tape frees at the end). */
  activationBytes: number;
  /** Frozen base weights on the GPU (fp32), and the adapters with AdamW's two moments. */
  weightBytes: number;
  trainableParams: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function weights(specs: readonly ParamSpec[], component: 'unet' | 'text_encoder', lora: LoraConfig | null) {
  const params = new Map(specs.map((s) => [s.name, CountOps.parameter(s.shape)] as const));
  const loras = new Map<string, LoraLayer<CountTensor>>();
  if (lora) {
    for (const m of linearModules(specs)) {
      if (!isLoraTarget(component, m.module)) continue;
      loras.set(m.module, { component, module: m.module, inFeatures: m.inFeatures, outFeatures: m.outFeatures, down: CountOps.parameter([lora.rank, m.inFeatures], true), up: CountOps.parameter([m.outFeatures, lora.rank], true) });
    }
  }
  return { params, loras };
}

export function dreamBoothStepCost(unetLayout: UnetLayout, text: ClipTextLayout | null, o: { batch: number; latentHeight: number; latentWidth: number; lora: LoraConfig; tokens?: number }): StepCost {
  const ops = new CountOps();
  const unet = { ...weights(unetParams(unetLayout), 'unet', o.lora), layout: unetLayout };
  const run = loraRun(o.lora, () => 0.5);
  const tokens = o.tokens ?? 77;
  let context: CountTensor;
  let weightBytes = 4 * unetParams(unetLayout).reduce((n, s) => n + size(s.shape), 0);
  const trained = [...unet.loras.values()];
  if (text) {
    const specs = clipTextParams(text);
    weightBytes += 4 * specs.reduce((n, s) => n + size(s.shape), 0);
    const tw = weights(specs.filter((s) => s.kind !== 'embed_tokens' && s.kind !== 'embed_positions'), 'text_encoder', o.lora);
    trained.push(...tw.loras.values());
    // The embedding lookup runs on the host; a one-token table stands in for the real one.
    const lookup = { ...tw, layout: { ...text, vocab: 1 }, tokenEmbedding: new Float32Array(text.width), positionEmbedding: new Float32Array(tokens * text.width) };
    const ids = Array.from({ length: o.batch }, () => Array<number>(tokens).fill(0));
    context = clipTextForward(ops, lookup as unknown as TextWeights<CountTensor>, ids, run);
  } else {
    context = ops.constant([], [o.batch, tokens, unetLayout.contextDim]);
  }
  const sample = ops.constant([], [o.batch, unetLayout.inChannels, o.latentHeight, o.latentWidth]);
  const prediction = unetForward(ops, unet, sample, Array<number>(o.batch).fill(500), context, run);
  ops.mse(prediction, ops.constant([], ops.shape(prediction)));
  const trainableParams = trained.reduce((n, l) => n + size(l.down.shape) + size(l.up.shape), 0);
  const totals = [...ops.kinds.values()].reduce((t, c) => ({ f: t.f + c.forwardFlops, b: t.b + c.backwardFlops, m: t.m + c.bytes }), { f: 0, b: 0, m: 0 });
  return { kinds: ops.kinds, forwardFlops: totals.f, backwardFlops: totals.b, activationBytes: totals.m, weightBytes: weightBytes + 3 * 4 * trainableParams, trainableParams };
}
