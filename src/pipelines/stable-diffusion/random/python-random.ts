// CPython's `random.Random`, as far as nataili's seed_to_int uses it: seeding from an int or a str
// (version 2: the UTF-8 bytes followed by their SHA-512, read as one big-endian integer), random(),
// getrandbits() and randint(). Port of CPython Lib/random.py and Modules/_randommodule.c.

import { Mt19937 } from './mt19937.ts';
import { sha512 } from './sha512.ts';

export class PythonRandom {
  private readonly mt: Mt19937;

  constructor(seed: bigint | number | string) {
    this.mt = Mt19937.fromKey(keyOf(seedInteger(seed)));
  }

  /** random.random(): 53 bits from two draws (27 + 26 bits). */
  random(): number {
    const a = this.mt.nextU32() >>> 5;
    const b = this.mt.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** getrandbits(k): 32-bit words from least to most significant; the last keeps its top bits. */
  getrandbits(k: number): bigint {
    if (k <= 32) return BigInt(this.mt.nextU32() >>> (32 - k));
    let result = 0n;
    for (let shift = 0; k > 0; shift += 32, k -= 32) {
      let word = this.mt.nextU32();
      if (k < 32) word >>>= 32 - k;
      result |= BigInt(word) << BigInt(shift);
    }
    return result;
  }

  /** randint(a, b) = a + _randbelow(b − a + 1), by rejection on getrandbits(bit length of the width). */
  randint(a: bigint, b: bigint): bigint {
    const width = b - a + 1n;
    if (width <= 0n) throw new RangeError(`empty range for randint(${a}, ${b})`);
    const k = width.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= width) r = this.getrandbits(k);
    return a + r;
  }
}

function seedInteger(seed: bigint | number | string): bigint {
  if (typeof seed === 'string') {
    const bytes = new TextEncoder().encode(seed);
    const all = new Uint8Array(bytes.length + 64);
    all.set(bytes);
    all.set(sha512(bytes), bytes.length);
    let n = 0n;
    for (const byte of all) n = (n << 8n) | BigInt(byte);
    return n;
  }
  const n = BigInt(seed);
  return n < 0n ? -n : n; // random_seed takes the absolute value
}

/** The integer as 32-bit words, least significant first (at least one word). */
function keyOf(n: bigint): number[] {
  const key: number[] = [];
  do {
    key.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return key;
}
