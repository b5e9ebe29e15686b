// A UNet as a list of steps over diffusers' module names (UNet2DConditionModel's): convolutions,
// ResNet blocks with the time embedding, spatial transformers with cross-attention, nearest
// upsampling, and the skip stack (push after a block, concat before an up block's ResNet). One
// forward (forward.ts) runs any list; the lists below are the fixture UNet of
// scripts/tiny-models/sd-unet.ts and Stable Diffusion 1.x's UNet.

export type UnetStep =
  | { kind: 'conv'; name: string; cin: number; cout: number; kernel: number; stride: number; padding: number }
  | { kind: 'resnet'; name: string; cin: number; cout: number }
  | { kind: 'transformer'; name: string; channels: number; heads: number }
  | { kind: 'upsample'; name: string; channels: number }
  | { kind: 'push' }
  | { kind: 'concat' };

export interface UnetLayout {
  inChannels: number;
  outChannels: number;
  /** Width of the sinusoidal timestep features (block_out_channels[0]). */
  timeChannels: number;
  /** time_embedding's width (4 × block_out_channels[0]). */
  timeDim: number;
  groups: number;
  /** encoder_hidden_states' width. */
  contextDim: number;
  /** Channels into conv_norm_out / conv_out. */
  outBlockChannels: number;
  steps: UnetStep[];
}

const conv = (name: string, cin: number, cout: number, stride = 1): UnetStep => ({ kind: 'conv', name, cin, cout, kernel: 3, stride, padding: 1 });

/** The fixture (scripts/tiny-models/sd-unet.ts): one skip, one attention level down, mid, up. */
export function fixtureUnetLayout(o: { inChannels?: number; channels?: readonly [number, number]; heads?: number; groups?: number; contextDim?: number } = {}): UnetLayout {
  const [c1, c2] = o.channels ?? [8, 16];
  const heads = o.heads ?? 2;
  const inChannels = o.inChannels ?? 4;
  return {
    inChannels,
    outChannels: 4,
    timeChannels: c1,
    timeDim: 4 * c1,
    groups: o.groups ?? 4,
    contextDim: o.contextDim ?? 16,
    outBlockChannels: c1,
    steps: [
      conv('conv_in', inChannels, c1),
      { kind: 'resnet', name: 'down_blocks.0.resnets.0', cin: c1, cout: c1 },
      { kind: 'push' },
      conv('down_blocks.0.downsamplers.0.conv', c1, c1, 2),
      { kind: 'resnet', name: 'down_blocks.1.resnets.0', cin: c1, cout: c2 },
      { kind: 'transformer', name: 'down_blocks.1.attentions.0', channels: c2, heads },
      { kind: 'resnet', name: 'mid_block.resnets.0', cin: c2, cout: c2 },
      { kind: 'transformer', name: 'mid_block.attentions.0', channels: c2, heads },
      { kind: 'resnet', name: 'mid_block.resnets.1', cin: c2, cout: c2 },
      { kind: 'upsample', name: 'up_blocks.0.upsamplers.0', channels: c2 },
      { kind: 'concat' },
      { kind: 'resnet', name: 'up_blocks.1.resnets.0', cin: c2 + c1, cout: c1 },
      { kind: 'transformer', name: 'up_blocks.1.attentions.0', channels: c1, heads },
    ],
  };
}

export interface Sd1Config {
  blockOutChannels: readonly number[];
  layersPerBlock: number;
  /** SD 1.x's config calls this attention_head_dim; it is the number of heads. */
  heads: number;
  contextDim: number;
  groups: number;
  inChannels: number;
}

export const SD15_UNET: Sd1Config = { blockOutChannels: [320, 640, 1280, 1280], layersPerBlock: 2, heads: 8, contextDim: 768, groups: 32, inChannels: 4 };

/**
 * UNet2DConditionModel with CrossAttnDownBlock2D ×3 + DownBlock2D, the cross-attention mid
 * block, UpBlock2D + CrossAttnUpBlock2D ×3: Stable Diffusion 1.x. Skip widths come from the
 * stack, so the up blocks' ResNet inputs follow from the down path as in diffusers.
 */
export function sd1UnetLayout(config: Sd1Config = SD15_UNET): UnetLayout {
  const ch = config.blockOutChannels;
  const levels = ch.length;
  const steps: UnetStep[] = [];
  const skips: number[] = [];
  let c = ch[0]!;
  const push = () => {
    steps.push({ kind: 'push' });
    skips.push(c);
  };
  steps.push(conv('conv_in', config.inChannels, c));
  push();
  for (let level = 0; level < levels; level++) {
    const attn = level < levels - 1;
    for (let i = 0; i < config.layersPerBlock; i++) {
      steps.push({ kind: 'resnet', name: `down_blocks.${level}.resnets.${i}`, cin: c, cout: ch[level]! });
      c = ch[level]!;
      if (attn) steps.push({ kind: 'transformer', name: `down_blocks.${level}.attentions.${i}`, channels: c, heads: config.heads });
      push();
    }
    if (level < levels - 1) {
      steps.push(conv(`down_blocks.${level}.downsamplers.0.conv`, c, c, 2));
      push();
    }
  }
  steps.push({ kind: 'resnet', name: 'mid_block.resnets.0', cin: c, cout: c });
  steps.push({ kind: 'transformer', name: 'mid_block.attentions.0', channels: c, heads: config.heads });
  steps.push({ kind: 'resnet', name: 'mid_block.resnets.1', cin: c, cout: c });
  for (let up = 0; up < levels; up++) {
    const out = ch[levels - 1 - up]!;
    const attn = up > 0;
    for (let i = 0; i <= config.layersPerBlock; i++) {
      steps.push({ kind: 'concat' });
      const skip = skips.pop()!;
      steps.push({ kind: 'resnet', name: `up_blocks.${up}.resnets.${i}`, cin: c + skip, cout: out });
      c = out;
      if (attn) steps.push({ kind: 'transformer', name: `up_blocks.${up}.attentions.${i}`, channels: c, heads: config.heads });
    }
    if (up < levels - 1) steps.push({ kind: 'upsample', name: `up_blocks.${up}.upsamplers.0`, channels: c });
  }
  return { inChannels: config.inChannels, outChannels: 4, timeChannels: ch[0]!, timeDim: 4 * ch[0]!, groups: config.groups, contextDim: config.contextDim, outBlockChannels: c, steps };
}
