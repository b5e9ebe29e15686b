// Float64 reference for AdamW, written as PyTorch's torch.optim.AdamW computes it.

export interface AdamWState {
  m: Float64Array;
  v: Float64Array;
  t: number;
}

export interface AdamWRefOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export function adamwInit(n: number): AdamWState {
  return { m: new Float64Array(n), v: new Float64Array(n), t: 0 };
}

/** One step in place on p (and the state). */
export function adamwStepRef(p: Float64Array, g: ArrayLike<number>, s: AdamWState, o: AdamWRefOptions): void {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 } = o;
  s.t++;
  const bc1 = 1 - beta1 ** s.t;
  const bc2 = 1 - beta2 ** s.t;
  for (let i = 0; i < p.length; i++) {
    p[i]! *= 1 - lr * weightDecay;
    s.m[i] = beta1 * s.m[i]! + (1 - beta1) * g[i]!;
    s.v[i] = beta2 * s.v[i]! + (1 - beta2) * g[i]! * g[i]!;
    const denom = Math.sqrt(s.v[i]!) / Math.sqrt(bc2) + eps;
    p[i]! -= (lr / bc1) * (s.m[i]! / denom);
  }
}
