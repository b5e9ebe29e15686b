// Mirrors diffusers scripts/convert_stable_diffusion_checkpoint_to_onnx.py unet/model.onnx:
// sample, timestep, encoder_hidden_states → out_sample. The script exports timestep as float32
// [batch] (older versions and Optimum's exporter give int64), so the dtype is an option.
// in_channels 4 (txt2img/img2img), 9 (inpainting: latents + mask + masked-image latents), 5 (SD 2
// depth: latents + depth).

import { conv2d, groupNorm, resnetBlock, upsampleConv } from '../onnx/conv.ts';
import { Net, silu } from '../onnx/net.ts';
import { spatialTransformer } from '../onnx/spatial.ts';
import { timestepEmbedding } from '../onnx/timestep.ts';
import { DEFAULT_SEED, type SeedOption } from './options.ts';

export interface SdUnetOptions extends SeedOption {
  inChannels?: 4 | 9 | 5;
  timestepType?: 'float32' | 'int64';
  /** Width of encoder_hidden_states: the text encoder's hidden size (768 in SD 1.x). */
  contextDim?: number;
  /** The two block widths (320/640/1280/1280 in SD 1.x). */
  channels?: readonly [number, number];
  heads?: number;
  groups?: number;
}

/**
 * sample float32 [batch, in_channels, height, width] (height, width even),
 * timestep float32|int64 [steps] (one value for the whole batch, or one per sample),
 * encoder_hidden_states float32 [batch, sequence, contextDim] →
 * out_sample float32 [batch, 4, height, width] (the predicted noise).
 */
export function buildSdUnet(o: SdUnetOptions = {}): Uint8Array {
  const inChannels = o.inChannels ?? 4;
  const [c1, c2] = o.channels ?? [8, 16];
  const groups = o.groups ?? 4;
  const heads = o.heads ?? 2;
  const contextDim = o.contextDim ?? 16;
  const timeDim = 4 * c1;
  const n = new Net(`sd_unet_${inChannels}ch`, o.seed ?? DEFAULT_SEED);
  const sample = n.input('sample', 'float32', ['batch', inChannels, 'height', 'width']);
  const timestep = n.input('timestep', o.timestepType ?? 'float32', ['steps']);
  const context = n.input('encoder_hidden_states', 'float32', ['batch', 'sequence', contextDim]);

  const time = { value: timestepEmbedding(n, timestep, c1, timeDim), dim: timeDim };
  const attend = (x: string, channels: number) => spatialTransformer(n, x, context, { channels, heads, groups, contextDim });

  // Down: a ResNet block at full size (kept as the skip), a stride-2 conv, then ResNet + cross-attention.
  const skip = resnetBlock(n, conv2d(n, sample, inChannels, c1, 3), c1, c1, groups, time);
  const down = conv2d(n, skip, c1, c1, 3, { stride: 2 });
  let h = attend(resnetBlock(n, down, c1, c2, groups, time), c2);
  // Mid: ResNet → cross-attention → ResNet, as UNetMidBlock2DCrossAttn.
  h = resnetBlock(n, attend(resnetBlock(n, h, c2, c2, groups, time), c2), c2, c2, groups, time);
  // Up: nearest ×2 + conv, concatenate the skip, ResNet + cross-attention.
  const merged = n.op('Concat', [upsampleConv(n, h, c2), skip], { axis: 1 });
  h = attend(resnetBlock(n, merged, c2 + c1, c1, groups, time), c1);
  const out = conv2d(n, silu(n, groupNorm(n, h, c1, groups)), c1, 4, 3);
  n.output(out, 'out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return n.bytes();
}
