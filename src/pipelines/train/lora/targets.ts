// Which linear layers get an adapter. nataili's defaults (lora.py): every nn.Linear inside the
// UNet's CrossAttention / Attention / GEGLU modules — to_q, to_k, to_v, to_out.0 of attn1 and attn2,
// and the GEGLU projection ff.net.0.proj — and inside the text encoder's CLIPAttention (q_proj,
// k_proj, v_proj, out_proj). The feed-forward's second layer (ff.net.2) is not in a target module.

import type { LoraComponent } from './lora.ts';

const UNET = /\.attn[12]\.(to_q|to_k|to_v|to_out\.0)$|\.ff\.net\.0\.proj$/;
const TEXT = /\.self_attn\.(q_proj|k_proj|v_proj|out_proj)$/;

export function isLoraTarget(component: LoraComponent, module: string): boolean {
  return (component === 'unet' ? UNET : TEXT).test(module);
}
