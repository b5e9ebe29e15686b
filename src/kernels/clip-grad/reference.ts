// Float64 reference for gradient norm clipping (clip_grad_norm_, 2-norm).

export function clipGradNormRef(grads: Float64Array[], maxNorm: number): { norm: number; coef: number } {
  let s = 0;
  for (const g of grads) for (const v of g) s += v * v;
  const norm = Math.sqrt(s);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  for (const g of grads) for (let i = 0; i < g.length; i++) g[i]! *= coef;
  return { norm, coef };
}
