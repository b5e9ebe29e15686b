// Single-precision log, sin and cos exactly as PyTorch's AVX2 randn computes them, one lane at a time.
// Port of PyTorch aten/src/ATen/native/cpu/avx_mathfun.h (log256_ps, sincos256_ps: Cephes
// polynomials by J. Pommier / G. Garberoglio, zlib licence). Every intermediate is rounded to
// float32 with Math.fround, which gives the same bits as the vector instruction: a double result of
// one +, −, × of two floats rounded once more to float is the correctly rounded float result.

const f = Math.fround;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);

/** log256_ps for one positive normal float. */
export function logf(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const exponent = (bits >>> 23) - 0x7f;
  u32[0] = (bits & ~0x7f800000) | 0x3f000000; // mantissa with the exponent of 0.5: x in [0.5, 1)
  let x = f32[0]!;
  let e = f(exponent + 1);
  const small = x < SQRTHF;
  const tmp0 = small ? x : 0;
  x = f(x - 1);
  e = f(e - (small ? 1 : 0));
  x = f(x + tmp0);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = f(f(y * x) + LOG_P[i]!);
  y = f(y * x);
  y = f(y * z);
  y = f(y + f(e * LOG_Q1));
  y = f(y - f(z * 0.5));
  x = f(x + y);
  return f(x + f(e * LOG_Q2));
}

const FOPI = f(1.27323954473516); // 4 / π
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** sincos256_ps for one finite float: [sin, cos]. */
export function sincosf(value: number): [number, number] {
  let x = Math.abs(value);
  let sinNegative = value < 0 || Object.is(value, -0);
  // j = (int(x·4/π) + 1) & ~1 picks the octant pair; the reduction subtracts j·π/4 in three parts.
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = j; // exact: a small integer
  if (j & 4) sinNegative = !sinNegative;
  const cosNegative = ((j - 2) & 4) === 0;
  const sinFromSinPolynomial = (j & 2) === 0;
  x = f(x + f(y * DP1));
  x = f(x + f(y * DP2));
  x = f(x + f(y * DP3));
  const z = f(x * x);
  let c = COS_P[0]!;
  c = f(f(c * z) + COS_P[1]!);
  c = f(f(c * z) + COS_P[2]!);
  c = f(c * z);
  c = f(c * z);
  c = f(c - f(z * 0.5));
  c = f(c + 1);
  let s = SIN_P[0]!;
  s = f(f(s * z) + SIN_P[1]!);
  s = f(f(s * z) + SIN_P[2]!);
  s = f(s * z);
  s = f(s * x);
  s = f(s + x);
  const sinValue = sinFromSinPolynomial ? s : c;
  const cosValue = sinFromSinPolynomial ? c : s;
  return [sinNegative ? -sinValue : sinValue, cosNegative ? -cosValue : cosValue];
}
