// The safetensors reader against files written by an independent writer (predictor-fixtures.ts):
// every float dtype, metadata, unaligned data, and each way a file can be wrong.
import { describe, expect, it } from 'vitest';
import { readSafetensors, toFloat32 } from '../../src/pipelines/predictor/safetensors.ts';
import { rawSafetensors, writeSafetensors } from './predictor-fixtures.ts';

const values = [0, 1, -2.5, 0.333251953125, 65504, -1e-3];

describe('reading safetensors', () => {
  it('reads F32, F64, F16 and BF16 tensors with their shapes and the metadata', () => {
    const file = writeSafetensors(
      {
        a: { dtype: 'F32', shape: [2, 3], values },
        b: { dtype: 'F64', shape: [6], values },
        c: { dtype: 'F16', shape: [3, 2], values },
        d: { dtype: 'BF16', shape: [1, 6], values: [1, -2, 0.5, 3.140625, -0.0078125, 256] },
      },
      { metadata: { format: 'pt' } },
    );
    const { tensors, metadata } = readSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect(tensors.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(toFloat32(tensors.get('a')!))).toEqual(values.map(Math.fround));
    expect(Array.from(toFloat32(tensors.get('b')!))).toEqual(values.map(Math.fround));
    // 0.333251953125 and 65504 are exact halves; -1e-3 rounds to the nearest half.
    const half = Array.from(toFloat32(tensors.get('c')!));
    expect(half.slice(0, 5)).toEqual([0, 1, -2.5, 0.333251953125, 65504]);
    expect(half[5]).toBeCloseTo(-1e-3, 6);
    expect(Array.from(toFloat32(tensors.get('d')!))).toEqual([1, -2, 0.5, 3.140625, -0.0078125, 256]);
  });

  it('reads data that does not start on an aligned byte (an unpadded header)', () => {
    const file = writeSafetensors({ x: { dtype: 'F32', shape: [3], values: [1.5, -2, 7] } }, { pad: false });
    expect((8 + JSON.stringify({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }).length) % 4).not.toBe(0);
    expect(Array.from(toFloat32(readSafetensors(file).tensors.get('x')!))).toEqual([1.5, -2, 7]);
  });

  it('reads an empty tensor and a file of views into a larger buffer', () => {
    const file = writeSafetensors({ empty: { dtype: 'F32', shape: [0, 4], values: [] }, one: { dtype: 'F32', shape: [], values: [42] } });
    const big = new Uint8Array(file.length + 16);
    big.set(file, 16);
    const { tensors } = readSafetensors(big.subarray(16));
    expect(toFloat32(tensors.get('empty')!).length).toBe(0);
    expect(Array.from(toFloat32(tensors.get('one')!))).toEqual([42]);
  });

  const header = (entries: Record<string, unknown>) => JSON.stringify(entries);
  const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(5), /fewer than its 8-byte header length/],
    ['a header longer than the file', rawSafetensors('{}', new Uint8Array(0), 1000), /header claims 1000 bytes/],
    ['a header that is not JSON', rawSafetensors('{nope', new Uint8Array(0)), /not UTF-8 JSON/],
    ['a header that is a list', rawSafetensors('[]', new Uint8Array(0)), /not a JSON object/],
    ['an unknown dtype', rawSafetensors(header({ x: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }), new Uint8Array(1)), /dtype "F8_E4M3"/],
    ['a bad shape', rawSafetensors(header({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }), new Uint8Array(4)), /has shape \[-1\]/],
    ['a size that does not fit the shape', rawSafetensors(header({ x: f32([2], 0, 4) }), new Uint8Array(4)), /has 4 bytes, but F32 \[2\] needs 8/],
    ['offsets past the data', rawSafetensors(header({ x: f32([2], 0, 8) }), new Uint8Array(4)), /outside the 4 bytes of data/],
    ['overlapping tensors', rawSafetensors(header({ x: f32([2], 0, 8), y: f32([1], 4, 8) }), new Uint8Array(8)), /overlaps/],
    ['a hole between tensors', rawSafetensors(header({ x: f32([1], 0, 4), y: f32([1], 8, 12) }), new Uint8Array(12)), /bytes 4–8 before "y" belong to no tensor/],
    ['bytes after the last tensor', rawSafetensors(header({ x: f32([1], 0, 4) }), new Uint8Array(6)), /last 2 bytes belong to no tensor/],
    ['metadata that is not text', rawSafetensors(header({ __metadata__: { n: 1 } }), new Uint8Array(0)), /__metadata__/],
  ];
  it.each(cases)('rejects %s, saying what is wrong', (_, file, message) => {
    expect(() => readSafetensors(file)).toThrow(message);
    expect(() => readSafetensors(file)).toThrow(/not a valid safetensors file/);
  });

  it('refuses integer tensors as weights', () => {
    const file = rawSafetensors(JSON.stringify({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }), new Uint8Array(8));
    expect(() => toFloat32(readSafetensors(file).tensors.get('ids')!)).toThrow(/I64 values; weights must be F32/);
  });
});
