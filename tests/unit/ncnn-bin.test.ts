// The ncnn .bin reader: float16 and float32 tagged blobs, raw float32 blobs, padding, and the
// "every byte used" check that makes layout mistakes loud.

import { describe, expect, it } from 'vitest';
import { NcnnWeightReader, TAG_FP16, TAG_FP32, halfToFloat } from '../../scripts/ncnn/bin.ts';

/** Little-endian bytes from 32-bit tags, 16-bit halves and float32 values, in order. */
function bytes(parts: ({ u32: number } | { u16: number } | { f32: number })[]): Uint8Array {
  const size = parts.reduce((n, p) => n + ('u16' in p ? 2 : 4), 0);
  const view = new DataView(new ArrayBuffer(size));
  let offset = 0;
  for (const p of parts) {
    if ('u32' in p) view.setUint32(offset, p.u32, true);
    else if ('u16' in p) view.setUint16(offset, p.u16, true);
    else view.setFloat32(offset, p.f32, true);
    offset += 'u16' in p ? 2 : 4;
  }
  return new Uint8Array(view.buffer);
}

describe('halfToFloat', () => {
  const cases: [number, number][] = [
    [0x0000, 0],
    [0x3c00, 1],
    [0xbc00, -1],
    [0x3800, 0.5],
    [0x4000, 2],
    [0x3555, 0.333251953125], // nearest half to 1/3
    [0x7bff, 65504], // largest finite half
    [0x0400, 2 ** -14], // smallest normal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, value] of cases) {
    it(`0x${bits.toString(16).padStart(4, '0')} is ${value}`, () => expect(halfToFloat(bits)).toBe(value));
  }
  it('0x7e00 is NaN', () => expect(halfToFloat(0x7e00)).toBeNaN());
});

describe('NcnnWeightReader', () => {
  it('reads a float16 blob, its 4-byte padding, then a raw float32 blob', () => {
    // Three halves take 6 bytes; ncnn pads the blob to 8.
    const bin = bytes([{ u32: TAG_FP16 }, { u16: 0x3c00 }, { u16: 0xc000 }, { u16: 0x3800 }, { u16: 0 }, { f32: 0.25 }, { f32: -3 }]);
    const reader = new NcnnWeightReader(bin);
    expect([...reader.readTagged(3, 'w')]).toEqual([1, -2, 0.5]);
    expect(reader.position).toBe(12);
    expect([...reader.readRaw(2, 'b')]).toEqual([0.25, -3]);
    expect(reader.valueCount).toBe(5);
    expect(() => reader.assertConsumed()).not.toThrow();
  });

  it('reads a float32 tagged blob (a zero tag)', () => {
    const reader = new NcnnWeightReader(bytes([{ u32: TAG_FP32 }, { f32: 1.5 }, { f32: -0.125 }]));
    expect([...reader.readTagged(2, 'w')]).toEqual([1.5, -0.125]);
    reader.assertConsumed();
  });

  it('refuses int8 and quantised blobs instead of guessing', () => {
    expect(() => new NcnnWeightReader(bytes([{ u32: 0x000d4b38 }, { u32: 0 }])).readTagged(4, 'conv weight')).toThrow(/int8/);
    expect(() => new NcnnWeightReader(bytes([{ u32: 0x01010101 }, { u32: 0 }])).readTagged(4, 'conv weight')).toThrow(/unknown weight tag 0x01010101/);
  });

  it('throws when a blob runs past the end', () => {
    const reader = new NcnnWeightReader(bytes([{ u32: TAG_FP16 }, { u16: 0x3c00 }, { u16: 0x3c00 }]));
    expect(() => reader.readTagged(4, 'conv weight')).toThrow(/conv weight: needs 8 bytes at offset 4, the file has 8/);
  });

  it('throws when bytes are left over', () => {
    const reader = new NcnnWeightReader(bytes([{ f32: 1 }, { f32: 2 }]));
    reader.readRaw(1, 'bias');
    expect(() => reader.assertConsumed()).toThrow(/read 4 of 8 bytes/);
  });
});
