// LoRA files name their layers in several dialects; this reduces each key to the component it
// patches (UNet or text encoder), the module in "underscore form" (kohya's: every '.' of the
// diffusers module path as '_'), and the part (down, up, alpha, mid). Graph modules are brought
// to the same form (targets.ts), so the two meet without a per-architecture table.
// Dialects: kohya-ss sd-scripts (lora_unet_… .lora_down.weight / .lora_up.weight / .alpha,
// LoCon's .lora_mid.weight), PEFT (….lora_A.weight / .lora_B.weight), diffusers
// (unet.….lora.down.weight, attention processors' ….processor.to_q_lora.down.weight,
// text_encoder.….lora_linear_layer.down.weight).

import { InvalidInputError } from '../../../shared/errors.ts';
import type { SafeTensor } from '../../predictor/safetensors.ts';

export type LoraComponent = 'unet' | 'text_encoder';
export type LoraPart = 'down' | 'up' | 'alpha' | 'mid';

export interface LoraModule {
  component: LoraComponent;
  /** Module path in underscore form: "down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q". */
  key: string;
  down?: SafeTensor;
  up?: SafeTensor;
  mid?: SafeTensor;
  alpha?: number;
}

const PARTS: readonly [RegExp, LoraPart][] = [
  [/\.lora_down\.weight$/, 'down'],
  [/\.lora_up\.weight$/, 'up'],
  [/\.lora_mid\.weight$/, 'mid'],
  [/\.lora_A(\.default)?\.weight$/, 'down'],
  [/\.lora_B(\.default)?\.weight$/, 'up'],
  [/(\.lora_linear_layer|\.lora|_lora)\.down\.weight$/, 'down'],
  [/(\.lora_linear_layer|\.lora|_lora)\.up\.weight$/, 'up'],
  [/\.alpha$/, 'alpha'],
];

const PREFIXES: readonly [string, LoraComponent][] = [
  ['lora_unet_', 'unet'],
  ['lora_te1_', 'text_encoder'],
  ['lora_te_', 'text_encoder'],
  ['unet.', 'unet'],
  ['text_encoder.', 'text_encoder'],
  ['base_model.model.', 'unet'],
];

/** The dotted or underscored module path as kohya writes it. */
export function underscoreKey(module: string): string {
  return module.replace(/[./]/g, '_').replace(/^_+|_+$/g, '');
}

/** Splits a tensor name into component, module key and part; null for keys that are not LoRA weights. */
export function parseLoraKey(name: string): { component: LoraComponent; key: string; part: LoraPart } | null {
  const part = PARTS.find(([pattern]) => pattern.test(name));
  if (!part) return null;
  let module = name.replace(part[0], '');
  const prefix = PREFIXES.find(([p]) => module.startsWith(p));
  if (!prefix) return null;
  module = module.slice(prefix[0].length);
  // Attention processors name their layers after the projection they wrap.
  module = module.replace('.processor.', '.').replace(/to_out$/, 'to_out.0');
  return { component: prefix[1], key: underscoreKey(module), part: part[1] };
}

function scalar(tensor: SafeTensor, read: (t: SafeTensor) => Float32Array): number {
  const values = read(tensor);
  if (values.length !== 1) throw new InvalidInputError(`The LoRA's ${tensor.name} should be one number; it has ${values.length}.`);
  return values[0]!;
}

/** Groups a LoRA's tensors by module; keys in no known dialect are listed in `ignored`. */
export function groupLora(tensors: Map<string, SafeTensor>, read: (t: SafeTensor) => Float32Array): { modules: LoraModule[]; ignored: string[] } {
  const byKey = new Map<string, LoraModule>();
  const ignored: string[] = [];
  for (const [name, tensor] of tensors) {
    const parsed = parseLoraKey(name);
    if (!parsed) {
      ignored.push(name);
      continue;
    }
    const id = `${parsed.component}:${parsed.key}`;
    let module = byKey.get(id);
    if (!module) byKey.set(id, (module = { component: parsed.component, key: parsed.key }));
    if (parsed.part === 'alpha') module.alpha = scalar(tensor, read);
    else module[parsed.part] = tensor;
  }
  const modules = [...byKey.values()];
  for (const module of modules) {
    if (!module.down || !module.up) ignored.push(`${module.component}:${module.key} (no ${module.down ? 'up' : 'down'} weight)`);
  }
  return { modules: modules.filter((m) => m.down && m.up), ignored };
}
