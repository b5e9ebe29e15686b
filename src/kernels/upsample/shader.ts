// Nearest-neighbour upsampling by integer factors (PyTorch's nn.Upsample(mode='nearest') with
// an integer scale): output pixel (y, x) copies input (y / SY, x / SX). The gradient sums each
// SY×SX block back into its source pixel, one invocation per input pixel (no atomics needed).
// Params: n (elements written), H W (input), SY SX.

import { flatKernelHead } from '../core/program.ts';

export const UPSAMPLE_WG = 256;

const head = `
${flatKernelHead(UPSAMPLE_WG)}`;

export const upsampleForwardBody = `${head}
  let wo = u.W * u.SX;
  let ho = u.H * u.SY;
  let plane = i / (wo * ho);
  let y = (i / wo) % ho;
  let x = i % wo;
  dst[i] = src[(plane * u.H + y / u.SY) * u.W + x / u.SX];
}
`;

export const upsampleBackwardBody = `${head}
  let wo = u.W * u.SX;
  let plane = i / (u.W * u.H);
  let y = (i / u.W) % u.H;
  let x = i % u.W;
  var s = 0.0;
  for (var dy = 0u; dy < u.SY; dy = dy + 1u) {
    let rowStart = (plane * u.H * u.SY + y * u.SY + dy) * wo + x * u.SX;
    for (var dx = 0u; dx < u.SX; dx = dx + 1u) { s = s + gy[rowStart + dx]; }
  }
  gx[i] = s;
}
`;
