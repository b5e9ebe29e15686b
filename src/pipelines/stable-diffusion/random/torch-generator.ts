// PyTorch's CPU generator: `torch.manual_seed(s); torch.randn(n)` in float32, bit for bit, so a seed
// gives the same starting noise here as in nataili / diffusers with a CPU generator.
// Port of aten/src/ATen/core/MT19937RNGEngine.h (engine), CPUGeneratorImpl (random, random64,
// the cached normal), core/TransformationHelper.h (uniform_real), core/DistributionsHelper.h
// (normal_distribution) and native/cpu/DistributionTemplates.h (normal_kernel, normal_fill,
// normal_fill_16, normal_fill_AVX2).

import { logf, sincosf } from './float32-math.ts';
import { Mt19937 } from './mt19937.ts';

const f = Math.fround;
const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_PI_F32 = f(2 * Math.PI);

/**
 * Which of PyTorch's two float paths fills tensors of 16 or more elements.
 * - `avx2`: x86-64 builds (every x86 CPU with AVX2, also AVX-512 ones, which fall back to the AVX2
 *   kernel): Cephes polynomials in float32 (float32-math.ts). This is the default: it is what the
 *   official x86 wheels run, and it was checked against published outputs of real PyTorch.
 * - `scalar`: builds without AVX2 (ARM, e.g. Apple silicon): libm's logf/cosf/sinf. We use the
 *   correctly rounded float of the double functions; libm may differ from that in the last bit of a
 *   rare value, so this path is close but not guaranteed bit-exact.
 */
export type NormalFillPath = 'avx2' | 'scalar';

export class TorchGenerator {
  private engine: Mt19937;
  /** normal_distribution<double> makes two values per draw and keeps the second for the next call. */
  private nextDoubleNormal: number | null = null;
  readonly path: NormalFillPath;

  constructor(seed = 67280421310721, path: NormalFillPath = 'avx2') {
    // 67280421310721 is c10's default_rng_seed_val; the engine keeps its low 32 bits.
    this.engine = new Mt19937(lowWord(seed));
    this.path = path;
  }

  /** torch.manual_seed: a fresh engine and no cached normal. */
  manualSeed(seed: number | bigint): this {
    this.engine = new Mt19937(lowWord(seed));
    this.nextDoubleNormal = null;
    return this;
  }

  /** CPUGeneratorImpl::random: one 32-bit draw. */
  random(): number {
    return this.engine.nextU32();
  }

  /** uniform_real_distribution<float>(0, 1): 24 random bits of one draw. */
  uniformFloat(): number {
    return (this.engine.nextU32() & 0xffffff) / TWO_POW_24;
  }

  /** uniform_real_distribution<double>(0, 1): the low 53 bits of random64() = (first << 32) | second. */
  uniformDouble(): number {
    const high = this.engine.nextU32() & 0x1fffff;
    const low = this.engine.nextU32();
    return (high * TWO_POW_32 + low) / TWO_POW_53;
  }

  /** at::normal_distribution<double>: Box–Muller on two 53-bit uniforms, second value cached. */
  normalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const cached = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return cached;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const radius = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta);
  }

  /** torch.randn(count) in float32 (any shape: only the element count matters for a contiguous tensor). */
  randn(count: number): Float32Array {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`randn: bad element count ${count}`);
    const out = new Float32Array(count);
    if (count < 16) {
      // normal_kernel's serial path for small tensors: doubles, cast to float one by one.
      for (let i = 0; i < count; i++) out[i] = this.normalDouble();
      return out;
    }
    for (let i = 0; i < count; i++) out[i] = this.uniformFloat();
    for (let i = 0; i + 16 <= count; i += 16) this.fill16(out, i);
    if (count % 16 !== 0) {
      // normal_fill: the tail is redone as one more block of 16 ending at the last element, with
      // fresh uniforms that overwrite the already transformed values before it.
      const start = count - 16;
      for (let i = 0; i < 16; i++) out[start + i] = this.uniformFloat();
      this.fill16(out, start);
    }
    return out;
  }

  /** Box–Muller on 16 uniforms: radius from the first 8, angle from the last 8; cos first, sin after. */
  private fill16(data: Float32Array, start: number): void {
    for (let j = 0; j < 8; j++) {
      const u1 = f(1 - data[start + j]!); // [0, 1) -> (0, 1] for the log
      const u2 = data[start + j + 8]!;
      if (this.path === 'avx2') {
        const radius = f(Math.sqrt(f(-2 * logf(u1))));
        const [sin, cos] = sincosf(f(TWO_PI_F32 * u2));
        data[start + j] = f(radius * cos);
        data[start + j + 8] = f(radius * sin);
      } else {
        // normal_fill_16: `2.0f * pi<double> * u2` is a double product rounded to float.
        const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
        const theta = f(2 * Math.PI * u2);
        data[start + j] = f(radius * f(Math.cos(theta)));
        data[start + j + 8] = f(radius * f(Math.sin(theta)));
      }
    }
  }
}

function lowWord(seed: number | bigint): number {
  const big = typeof seed === 'bigint' ? seed : BigInt(Math.trunc(seed));
  return Number(BigInt.asUintN(32, big));
}
