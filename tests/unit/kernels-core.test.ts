// Kernel plumbing that needs no GPU: shapes and broadcasting, pool size classes, uniform
// packing, WGSL headers, dispatch grids and the limit error's message.

import { describe, expect, it } from 'vitest';
import { KernelLimitError } from '../../src/kernels/core/errors.ts';
import { offsetsWgsl, padLeft } from '../../src/kernels/core/indexing.ts';
import { sizeClass } from '../../src/kernels/core/pool.ts';
import { grid, packParams, programHeader } from '../../src/kernels/core/program.ts';
import { broadcastAxes, broadcastShapes, broadcastStrides, normalizeAxes, numel, stridesOf } from '../../src/kernels/core/shape.ts';
import { planConv2d } from '../../src/kernels/conv2d/dispatch.ts';
import { planMatmul } from '../../src/kernels/matmul/dispatch.ts';
import { planGroupNorm } from '../../src/kernels/norm/dispatch.ts';

describe('shapes', () => {
  it('computes sizes and strides', () => {
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });

  it('broadcasts like NumPy', () => {
    expect(broadcastShapes([3, 1, 5], [4, 1])).toEqual([3, 4, 5]);
    expect(broadcastStrides([4, 1], [3, 4, 5])).toEqual([0, 1, 0]);
    expect(broadcastAxes([4, 1], [3, 4, 5])).toEqual([0, 2]);
    expect(() => broadcastShapes([3], [4])).toThrow(/do not broadcast/);
  });

  it('normalises negative axes and refuses out-of-range ones', () => {
    expect(normalizeAxes([-1, 0, -1], 3)).toEqual([0, 2]);
    expect(() => normalizeAxes([3], 3)).toThrow(/out of range/);
  });

  it('pads to the kernels’ maximum rank and refuses more', () => {
    expect(padLeft([2, 3], 1)).toEqual([1, 1, 1, 1, 2, 3]);
    expect(() => padLeft([1, 1, 1, 1, 1, 1, 1], 1)).toThrow(/maximum of 6/);
  });
});

describe('plans', () => {
  it('matmul sizes, transposes and broadcast batches', () => {
    expect(planMatmul([2, 5, 3], [3, 4])).toMatchObject({ m: 5, n: 4, k: 3, batch: 2, strideA: 15, strideB: 0, outShape: [2, 5, 4] });
    expect(planMatmul([3, 5], [4, 3], true, true)).toMatchObject({ m: 5, n: 4, k: 3 });
    expect(() => planMatmul([2, 3], [4, 5])).toThrow(/inner sizes differ/);
    expect(() => planMatmul([2, 2, 3], [3, 3, 4])).toThrow(/batch shapes/);
  });

  it('conv2d output sizes for stride 2 and padding', () => {
    expect(planConv2d([1, 3, 7, 5], [4, 3, 3, 3], { stride: 2, padding: 1 })).toMatchObject({ ho: 4, wo: 3 });
    expect(() => planConv2d([1, 3, 7, 5], [4, 2, 3, 3])).toThrow(/channels/);
  });

  it('group norm needs channels divisible by groups', () => {
    expect(planGroupNorm([2, 6, 4, 4], 3, 1e-5)).toMatchObject({ rows: 6, length: 32, hw: 16, channels: 6 });
    expect(() => planGroupNorm([2, 6, 4, 4], 4, 1e-5)).toThrow(/groups/);
  });
});

describe('buffer pool size classes', () => {
  it('rounds up by at most a quarter octave, in multiples of 16 bytes', () => {
    for (const bytes of [1, 17, 100, 1000, 4097, 123_457, 10_000_000]) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % 16).toBe(0);
      expect(size).toBeLessThanOrEqual(Math.max(16, bytes * 1.25 + 16));
    }
    expect(sizeClass(4096)).toBe(4096);
    expect(sizeClass(4097)).toBe(5120);
  });

  it('maps nearby sizes to one class so they share buffers', () => {
    expect(sizeClass(4100)).toBe(sizeClass(5000));
  });
});

describe('programs', () => {
  it('packs params in struct order, padded to 16 bytes', () => {
    const data = new DataView(packParams({ a: ['u32', 7], b: ['f32', 0.5], c: ['i32', -2] }));
    expect(data.byteLength).toBe(16);
    expect([data.getUint32(0, true), data.getFloat32(4, true), data.getInt32(8, true)]).toEqual([7, 0.5, -2]);
  });

  it('declares params, inputs and outputs in binding order', () => {
    const fake = {} as GPUBuffer;
    const header = programHeader({ label: 't', body: '', params: { n: ['u32', 1] }, inputs: { x: fake }, outputs: { y: fake }, workgroups: [1, 1, 1] });
    expect(header).toContain('@group(0) @binding(0) var<uniform> u: Params;');
    expect(header).toContain('@group(0) @binding(1) var<storage, read> x: array<f32>;');
    expect(header).toContain('@group(0) @binding(2) var<storage, read_write> y: array<f32>;');
  });

  it('folds large dispatches into a second grid dimension', () => {
    expect(grid(1000, 256, 65535)).toEqual([4, 1, 1]);
    const [x, y] = grid(70_000 * 256, 256, 65535);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(70_000 * 256);
  });

  it('generates one offset accumulation per axis', () => {
    const code = offsetsWgsl('i', 'd', { ia: 'sa' });
    expect(code.match(/ia \+= c \* u\.sa\d;/g)).toHaveLength(6);
  });

  it('names the limit, the allowed value and the shape when refusing', () => {
    const error = new KernelLimitError('matmul', 'maxComputeWorkgroupsPerDimension (z)', 70_000, 65_535, [70_000, 4, 4]);
    expect(error.message).toContain('maxComputeWorkgroupsPerDimension (z)');
    expect(error.message).toContain('65535');
    expect(error.message).toContain('[70000, 4, 4]');
    expect(error.code).toBe('invalid-input');
  });
});
