// Element-wise helpers on flat float32 latents. Arithmetic is done in double precision per element
// and stored as float32, as the samplers' formulas are scalar coefficients times whole tensors.

/** a·x + b·y, into a new array (or `out`). */
export function combine(a: number, x: Float32Array, b: number, y: Float32Array, out = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = a * x[i]! + b * y[i]!;
  return out;
}

/** a·x + b·y + c·z, into a new array. */
export function combine3(a: number, x: Float32Array, b: number, y: Float32Array, c: number, z: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i]! + b * y[i]! + c * z[i]!;
  return out;
}

/** Σ coefficients[k]·arrays[k], into a new array. */
export function linearCombination(coefficients: readonly number[], arrays: readonly Float32Array[]): Float32Array {
  const length = arrays[0]?.length ?? 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (let k = 0; k < arrays.length; k++) sum += coefficients[k]! * arrays[k]![i]!;
    out[i] = sum;
  }
  return out;
}

/** x + scale·noise in place (noise added to the latent). */
export function addScaledInPlace(x: Float32Array, scale: number, noise: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + scale * noise[i]!;
  return x;
}

/** Karras ODE derivative (x − denoised) / sigma. Port of k-diffusion sampling.py to_d. */
export function toD(x: Float32Array, sigma: number, denoised: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! - denoised[i]!) / sigma;
  return out;
}

export function scaled(scale: number, x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = scale * x[i]!;
  return out;
}

/** Evenly spaced values from `start` to `end` inclusive (torch.linspace). */
export function linspace(start: number, end: number, count: number): number[] {
  if (count === 1) return [start];
  return Array.from({ length: count }, (_, i) => start + ((end - start) * i) / (count - 1));
}
