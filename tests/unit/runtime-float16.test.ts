import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16, fromHalf, toHalf } from '../../src/runtime/float16.ts';

// Known bit patterns (IEEE 754 binary16).
const cases: [number, number][] = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [0.5, 0x3800],
  [65504, 0x7bff], // largest half
  [6.103515625e-5, 0x0400], // smallest normal
  [5.960464477539063e-8, 0x0001], // smallest subnormal
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
  [1e6, 0x7c00], // overflow
  [1e-9, 0x0000], // underflow
];

describe('float16', () => {
  it.each(cases)('%d ↔ 0x%s', (value, bits) => {
    expect(toHalf(value)).toBe(bits);
    if (Math.abs(value) <= 65504 && (value === 0 || Math.abs(value) >= 5.960464477539063e-8)) expect(fromHalf(bits)).toBe(value);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties to even → 1.
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9: ties to even → up.
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // Rounding carries into the exponent: just below 2 rounds to 2.
    expect(toHalf(2 - 2 ** -12)).toBe(0x4000);
    // And into infinity past the largest half.
    expect(toHalf(65520)).toBe(0x7c00);
  });

  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(fromHalf(toHalf(Number.NaN)))).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    const all = new Uint16Array(0x10000).map((_, i) => i);
    const finite = all.filter((bits) => (bits & 0x7c00) !== 0x7c00);
    const back = float32ToFloat16(float16ToFloat32(finite));
    const wrong = finite.filter((bits, i) => back[i] !== bits);
    expect(wrong.length).toBe(0);
  });
});
