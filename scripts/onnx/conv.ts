// Convolutional building blocks in the shapes PyTorch exports them: NCHW Conv, GroupNorm written as
// InstanceNormalization + affine (what torch.onnx emits for opset < 18), nearest Resize with
// asymmetric/floor coordinates (F.interpolate's nearest), and PixelShuffle as DepthToSpace CRD.

import { add, mul, silu, type Net } from './net.ts';

export interface ConvOptions {
  stride?: number;
  /** [top, left, bottom, right]; defaults to "same" padding for odd kernels. */
  pads?: readonly [number, number, number, number];
  bias?: boolean;
}

export function conv2d(n: Net, x: string, cin: number, cout: number, kernel: number, options: ConvOptions = {}): string {
  const stride = options.stride ?? 1;
  const p = Math.floor(kernel / 2);
  const pads = options.pads ?? [p, p, p, p];
  const fanIn = cin * kernel * kernel;
  const inputs = [x, n.weight('conv_w', [cout, cin, kernel, kernel], fanIn)];
  if (options.bias ?? true) inputs.push(n.weight('conv_b', [cout], fanIn, 0.5));
  return n.op('Conv', inputs, { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [...pads] });
}

/**
 * GroupNorm over `groups` groups: reshape to [N, G, -1], InstanceNormalization with unit scale,
 * reshape back, then the per-channel affine. This is the pattern real SD exports contain, so
 * runtimes and fusions see what they will see on real weights.
 */
export function groupNorm(n: Net, x: string, channels: number, groups: number, epsilon = 1e-5): string {
  if (channels % groups !== 0) throw new Error(`groupNorm: ${channels} channels do not split into ${groups} groups`);
  const shape = n.op('Shape', [x]);
  const grouped = n.op('Reshape', [x, n.ints([0, groups, -1])]);
  const normed = n.op('InstanceNormalization', [grouped, n.filled('gn_unit', [groups], 1), n.filled('gn_zero', [groups], 0)], {
    epsilon: { float: epsilon },
  });
  const back = n.op('Reshape', [normed, shape]);
  const gamma = n.around('gn_gamma', [channels, 1, 1], 1, 0.1);
  const beta = n.weight('gn_beta', [channels, 1, 1], 1, 0.1);
  return add(n, mul(n, back, gamma), beta);
}

/** Nearest upsampling by an integer factor, as F.interpolate(mode='nearest') exports it. */
export function upsampleNearest(n: Net, x: string, factor: number): string {
  const scales = n.g.float('resize_scales', [4], [1, 1, factor, factor]);
  return n.op('Resize', [x, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
}

/** PixelShuffle(block): DepthToSpace in CRD order, which is PyTorch's channel layout. */
export function pixelShuffle(n: Net, x: string, block: number): string {
  return n.op('DepthToSpace', [x], { blocksize: block, mode: 'CRD' });
}

/**
 * Diffusers' ResnetBlock2D in miniature: GN → SiLU → conv → (+ time projection) → GN → SiLU →
 * conv, plus a 1×1 shortcut when the width changes. `time` is [N, timeDim] when given.
 */
export function resnetBlock(n: Net, x: string, cin: number, cout: number, groups: number, time?: { value: string; dim: number }): string {
  let h = conv2d(n, silu(n, groupNorm(n, x, cin, groups)), cin, cout, 3);
  if (time) {
    const projected = n.op('MatMul', [silu(n, time.value), n.weight('temb_w', [time.dim, cout], time.dim)]);
    const biased = add(n, projected, n.weight('temb_b', [cout], time.dim, 0.5));
    // [N, C] → [N, C, 1, 1] broadcasts over the feature map; a [1, C] row (one timestep for a
    // classifier-free-guidance batch of two) broadcasts over the batch as well.
    h = add(n, h, n.op('Unsqueeze', [biased, n.ints([2, 3])]));
  }
  h = conv2d(n, silu(n, groupNorm(n, h, cout, groups)), cout, cout, 3);
  const shortcut = cin === cout ? x : conv2d(n, x, cin, cout, 1);
  return add(n, shortcut, h);
}

/** Diffusers' Downsample2D for the VAE: pad right/bottom by one, then a stride-2 3×3 conv. */
export function downsampleAsymmetric(n: Net, x: string, channels: number): string {
  return conv2d(n, x, channels, channels, 3, { stride: 2, pads: [0, 0, 1, 1] });
}

/** Diffusers' Upsample2D: nearest ×2, then a 3×3 conv. */
export function upsampleConv(n: Net, x: string, channels: number): string {
  return conv2d(n, upsampleNearest(n, x, 2), channels, channels, 3);
}
