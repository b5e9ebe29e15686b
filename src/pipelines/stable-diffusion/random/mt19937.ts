// The 32-bit Mersenne Twister (Matsumoto & Nishimura, mt19937ar.c). Two seedings are needed:
// PyTorch's CPU generator seeds with init_genrand (one 32-bit word), CPython's `random` module with
// init_by_array (a key of many words, e.g. a string's SHA-512). Both then draw the same stream.

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** init_genrand: PyTorch's `mt19937(seed)` keeps only the low 32 bits of a 64-bit seed. */
  constructor(seed = 5489) {
    this.seedWord(seed);
  }

  /** Port of mt19937ar.c init_by_array (what CPython's random.seed(int) uses). */
  static fromKey(key: ArrayLike<number>): Mt19937 {
    const mt = new Mt19937(19650218);
    const s = mt.state;
    const length = Math.max(key.length, 1);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, length); k > 0; k--) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      s[i] = ((s[i]! ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        s[0] = s[N - 1]!;
        i = 1;
      }
      if (j >= length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      s[i] = ((s[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        s[0] = s[N - 1]!;
        i = 1;
      }
    }
    s[0] = 0x80000000; // the most significant bit is 1: a non-zero initial state
    mt.index = N;
    return mt;
  }

  private seedWord(seed: number): void {
    const s = this.state;
    // Low 32 bits, also of negative or 2^32-and-above seeds (two's complement, as C's uint32 cast).
    s[0] = Number(BigInt.asUintN(32, BigInt(Math.trunc(seed))));
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      s[i] = (Math.imul(prev, 1812433253) + i) >>> 0;
    }
    this.index = N;
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = (s[k]! & UPPER) | (s[(k + 1) % N]! & LOWER);
      s[k] = s[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }

  /** The next 32-bit output, tempered. */
  nextU32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
