// Per-axis resampling weights. Output pixel i has its centre at (i + 0.5)·scale in input
// coordinates, input pixel j at j + 0.5: the half-pixel convention of PyTorch's
// align_corners=False, PIL and OpenCV. Two conventions then differ at the borders:
//
//  - 'renormalize' (PIL's ImagingResample, and PyTorch with antialias=True): taps outside the
//    image are dropped and the remaining weights rescaled to sum to 1.
//  - 'replicate' (PyTorch F.interpolate with antialias=False): taps outside the image read the
//    edge pixel.
//
// For bilinear both give the same numbers (a tap outside only ever pairs with the edge pixel).
// For bicubic they differ within two pixels of the border, and so does the kernel: PIL and
// PyTorch's antialiased bicubic use Keys' cubic with a = −0.5, PyTorch's plain bicubic uses
// a = −0.75 (OpenCV too). The defaults here are PIL's, because CLIP's preprocessing (the main
// downscaler) resizes with PIL; pass { cubicA: -0.75, edge: 'replicate', antialias: false } to
// match torch.nn.functional.interpolate(mode='bicubic', align_corners=False).
//
// Antialias (PIL's behaviour, on by default): when shrinking by s > 1 the kernel is stretched
// by s, so every input pixel contributes, instead of sampling 2 or 4 of them and aliasing.

export type ResizeFilter = 'bilinear' | 'bicubic';

export interface ResizeOptions {
  filter: ResizeFilter;
  /** Stretch the kernel when downscaling (PIL); default true. No effect when enlarging. */
  antialias?: boolean;
  /** Keys' cubic parameter; default −0.5 (PIL). PyTorch's non-antialiased bicubic uses −0.75. */
  cubicA?: number;
  /** Border handling, see above; default 'renormalize'. */
  edge?: 'renormalize' | 'replicate';
}

/** Weights for one axis: output i reads inputs first[i] … first[i] + count[i] − 1. */
export interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  /** taps weights per output, zero-padded past count[i]. */
  weights: Float64Array;
  taps: number;
}

export function triangle(x: number): number {
  const ax = Math.abs(x);
  return ax < 1 ? 1 - ax : 0;
}

/** Keys' cubic convolution kernel: 1 at 0, 0 at other integers, support 2. */
export function keysCubic(x: number, a: number): number {
  const ax = Math.abs(x);
  if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
  if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * a;
  return 0;
}

export function axisWeights(inSize: number, outSize: number, options: ResizeOptions): AxisWeights {
  const a = options.cubicA ?? -0.5;
  const kernel = options.filter === 'bilinear' ? triangle : (x: number) => keysCubic(x, a);
  const baseSupport = options.filter === 'bilinear' ? 1 : 2;
  const scale = inSize / outSize;
  const stretch = (options.antialias ?? true) && scale > 1 ? scale : 1;
  const support = baseSupport * stretch;
  const replicate = options.edge === 'replicate';
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const row = new Float64Array(taps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // Input j (centre j + 0.5) is in reach when |j + 0.5 − center| < support.
    let lo = Math.floor(center - 0.5 - support) + 1;
    let hi = Math.ceil(center - 0.5 + support) - 1;
    if (!replicate) {
      lo = Math.max(lo, 0);
      hi = Math.min(hi, inSize - 1);
    }
    const from = Math.min(Math.max(lo, 0), inSize - 1);
    const to = Math.min(Math.max(hi, 0), inSize - 1);
    row.fill(0);
    let sum = 0;
    for (let j = lo; j <= hi; j++) {
      const w = kernel((j + 0.5 - center) / stretch);
      // Taps past either border land on the edge pixel ('replicate' only; otherwise lo..hi is inside).
      const slot = Math.min(Math.max(j, 0), inSize - 1) - from;
      row[slot] = row[slot]! + w;
      sum += w;
    }
    first[i] = from;
    count[i] = to - from + 1;
    for (let k = 0; k < count[i]!; k++) weights[i * taps + k] = sum !== 0 ? row[k]! / sum : 0;
  }
  return { first, count, weights, taps };
}
