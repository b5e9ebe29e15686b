// WGSL for elementwise kernels: one invocation per output element on a `grid` dispatch. The
// op itself is a WGSL expression spliced into a fixed template, so each op compiles once.

import { flatKernelHead } from '../core/program.ts';
import { MAX_RANK, offsetsWgsl } from '../core/indexing.ts';

export const WG = 256;

const head = (helpers: string) => `${helpers}
${flatKernelHead(WG)}`;

/** y = f(x), `expr` in terms of `x`, `u.alpha`, `u.beta`. */
export function unaryBody(expr: string, helpers = ''): string {
  return `${head(helpers)}
  let x = src[i];
  dst[i] = ${expr};
}
`;
}

/** dx = f'(x, y, g); the bindings present are exactly the names the expression uses. */
export function unaryGradBody(expr: string, uses: { x: boolean; y: boolean }, helpers = ''): string {
  return `${head(helpers)}
  let g = gy[i];
  ${uses.x ? 'let x = xs[i];' : ''}
  ${uses.y ? 'let y = ys[i];' : ''}
  dx[i] = ${expr};
}
`;
}

/** out = alpha · (a ∘ b), with a and b read through broadcast strides when `broadcast`. */
export function binaryBody(expr: string, broadcast: boolean): string {
  const index = broadcast
    ? offsetsWgsl('i', 'd', { ia: 'sa', ib: 'sb' })
    : 'let ia = i; let ib = i;';
  return `${head('')}
  ${index}
  let a = lhs[ia];
  let b = rhs[ib];
  dst[i] = u.alpha * (${expr});
}
`;
}

/** y += alpha · x, in place. */
export const axpyBody = `${head('')}
  dst[i] = dst[i] + u.alpha * src[i];
}
`;

/** out = alpha · x read through broadcast strides (expand to a larger shape). */
export const expandBody = `${head('')}
  ${offsetsWgsl('i', 'd', { ix: 's' })}
  dst[i] = u.alpha * src[ix];
}
`;

/** out = x permuted: out coordinate along axis k reads x at stride `s<k>`. */
export const permuteBody = expandBody;

export { MAX_RANK };
