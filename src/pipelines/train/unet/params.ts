// The parameters a layout needs, by diffusers name, in torch's layouts (Linear [out, in], Conv
// [out, in, kh, kw], norms [C]) and in the order the fixture builder creates its initializers:
// time embedding first, then the steps in forward order. `kind` is the initializer prefix the
// fixture builder uses for each (scripts/onnx/*.ts), which the positional loader checks.

import type { UnetLayout, UnetStep } from './layout.ts';

export type ParamKind = 'conv_w' | 'conv_b' | 'gn_gamma' | 'gn_beta' | 'linear_w' | 'linear_b' | 'ln_gamma' | 'ln_beta' | 'temb_w' | 'temb_b' | 'embed_tokens' | 'embed_positions';

export interface ParamSpec {
  name: string;
  shape: number[];
  kind: ParamKind;
}

export class ParamList {
  readonly specs: ParamSpec[] = [];

  add(name: string, shape: number[], kind: ParamKind): void {
    this.specs.push({ name, shape, kind });
  }

  linear(module: string, inF: number, outF: number, bias: boolean): void {
    this.add(`${module}.weight`, [outF, inF], 'linear_w');
    if (bias) this.add(`${module}.bias`, [outF], 'linear_b');
  }

  conv(module: string, cin: number, cout: number, kernel: number): void {
    this.add(`${module}.weight`, [cout, cin, kernel, kernel], 'conv_w');
    this.add(`${module}.bias`, [cout], 'conv_b');
  }

  groupNorm(module: string, c: number): void {
    this.add(`${module}.weight`, [c], 'gn_gamma');
    this.add(`${module}.bias`, [c], 'gn_beta');
  }

  layerNorm(module: string, c: number): void {
    this.add(`${module}.weight`, [c], 'ln_gamma');
    this.add(`${module}.bias`, [c], 'ln_beta');
  }
}

function resnet(p: ParamList, name: string, cin: number, cout: number, timeDim: number): void {
  p.groupNorm(`${name}.norm1`, cin);
  p.conv(`${name}.conv1`, cin, cout, 3);
  p.add(`${name}.time_emb_proj.weight`, [cout, timeDim], 'temb_w');
  p.add(`${name}.time_emb_proj.bias`, [cout], 'temb_b');
  p.groupNorm(`${name}.norm2`, cout);
  p.conv(`${name}.conv2`, cout, cout, 3);
  if (cin !== cout) p.conv(`${name}.conv_shortcut`, cin, cout, 1);
}

function transformer(p: ParamList, name: string, c: number, contextDim: number): void {
  const block = `${name}.transformer_blocks.0`;
  p.groupNorm(`${name}.norm`, c);
  p.conv(`${name}.proj_in`, c, c, 1);
  for (const [attn, norm, source] of [
    ['attn1', 'norm1', c],
    ['attn2', 'norm2', contextDim],
  ] as const) {
    p.layerNorm(`${block}.${norm}`, c);
    p.linear(`${block}.${attn}.to_q`, c, c, false);
    p.linear(`${block}.${attn}.to_k`, source, c, false);
    p.linear(`${block}.${attn}.to_v`, source, c, false);
    p.linear(`${block}.${attn}.to_out.0`, c, c, true);
  }
  p.layerNorm(`${block}.norm3`, c);
  p.linear(`${block}.ff.net.0.proj`, c, 8 * c, true);
  p.linear(`${block}.ff.net.2`, 4 * c, c, true);
  p.conv(`${name}.proj_out`, c, c, 1);
}

function step(p: ParamList, s: UnetStep, layout: UnetLayout): void {
  if (s.kind === 'conv') p.conv(s.name, s.cin, s.cout, s.kernel);
  else if (s.kind === 'resnet') resnet(p, s.name, s.cin, s.cout, layout.timeDim);
  else if (s.kind === 'transformer') transformer(p, s.name, s.channels, layout.contextDim);
  else if (s.kind === 'upsample') p.conv(`${s.name}.conv`, s.channels, s.channels, 3);
}

export function unetParams(layout: UnetLayout): ParamSpec[] {
  const p = new ParamList();
  p.linear('time_embedding.linear_1', layout.timeChannels, layout.timeDim, true);
  p.linear('time_embedding.linear_2', layout.timeDim, layout.timeDim, true);
  for (const s of layout.steps) step(p, s, layout);
  p.groupNorm('conv_norm_out', layout.outBlockChannels);
  p.conv('conv_out', layout.outBlockChannels, layout.outChannels, 3);
  return p.specs;
}

/** The linear modules of the layout (weight [out, in]), for choosing LoRA targets. */
export function linearModules(specs: readonly ParamSpec[]): { module: string; inFeatures: number; outFeatures: number }[] {
  return specs
    .filter((s) => (s.kind === 'linear_w' || s.kind === 'temb_w') && s.name.endsWith('.weight'))
    .map((s) => ({ module: s.name.slice(0, -'.weight'.length), inFeatures: s.shape[1]!, outFeatures: s.shape[0]! }));
}
