// Diffusers' sinusoidal timestep embedding (Timesteps with flip_sin_to_cos=True, shift 0, as SD's
// UNet configures it) followed by TimestepEmbedding's linear → SiLU → linear.

import { linear } from './linear.ts';
import { silu, type Net } from './net.ts';

/** timestep: [T] of float32 or int64 (exports differ). Returns [T, outDim]. */
export function timestepEmbedding(n: Net, timestep: string, channels: number, outDim: number): string {
  const half = channels / 2;
  const frequencies = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const t = n.op('Unsqueeze', [n.op('Cast', [timestep], { to: 1 }), n.ints([1])]);
  const angles = n.op('Mul', [t, n.g.float('timestep_frequencies', [1, half], frequencies)]);
  const sinusoid = n.op('Concat', [n.op('Cos', [angles]), n.op('Sin', [angles])], { axis: 1 });
  return linear(n, silu(n, linear(n, sinusoid, channels, outDim)), outDim, outDim);
}
