// Step previews without the VAE: each latent pixel's four channels mapped linearly to RGB. The
// factors are the widely used SD 1.x/2.x "cheap approximation" (AUTOMATIC1111
// modules/sd_vae_approx.py cheap_approximation), applied to the scaled latent, then [-1, 1] → [0, 1].
// A preview is H/8 × W/8 per image, the batch side by side; it costs microseconds, not a decoder run.

const FACTORS: readonly (readonly [number, number, number])[] = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

export interface Preview {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** The batch's latents [B, 4, h, w] as one RGBA strip B·w wide. */
export function latentPreview(latents: Float32Array, images: number, h: number, w: number): Preview {
  const width = images * w;
  const rgba = new Uint8ClampedArray(width * h * 4);
  const plane = h * w;
  for (let i = 0; i < images; i++) {
    const base = i * 4 * plane;
    for (let p = 0; p < plane; p++) {
      const y = Math.floor(p / w);
      const o = (y * width + i * w + (p % w)) * 4;
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < 4; k++) v += latents[base + k * plane + p]! * FACTORS[k]![c]!;
        rgba[o + c] = (v * 0.5 + 0.5) * 255; // Uint8ClampedArray clamps and rounds
      }
      rgba[o + 3] = 255;
    }
  }
  return { width, height: h, rgba };
}
