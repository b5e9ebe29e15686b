// The ncnn → ONNX converter on tiny hand-made models whose outputs are worked out by hand in the
// comments, run through onnxruntime-web (wasm) in Node.

import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAG_FP16, TAG_FP32 } from '../../scripts/ncnn/bin.ts';
import { convertNcnnToOnnx, type ConvertOptions } from '../../scripts/ncnn/convert.ts';

/** A .bin from tagged float16 blobs (given as half bits), tagged float32 blobs and raw float32 blobs. */
function bin(blobs: ({ fp16: number[] } | { fp32Tagged: number[] } | { raw: number[] })[]): Uint8Array {
  const out: number[] = [];
  const push = (n: number, size: 2 | 4, float = false) => {
    const view = new DataView(new ArrayBuffer(size));
    if (float) view.setFloat32(0, n, true);
    else if (size === 2) view.setUint16(0, n, true);
    else view.setUint32(0, n, true);
    out.push(...new Uint8Array(view.buffer));
  };
  for (const blob of blobs) {
    if ('fp16' in blob) {
      push(TAG_FP16, 4);
      blob.fp16.forEach((h) => push(h, 2));
      if (blob.fp16.length % 2) push(0, 2);
    } else if ('fp32Tagged' in blob) {
      push(TAG_FP32, 4);
      blob.fp32Tagged.forEach((v) => push(v, 4, true));
    } else {
      blob.raw.forEach((v) => push(v, 4, true));
    }
  }
  return new Uint8Array(out);
}

const H = { one: 0x3c00, minusOne: 0xbc00, two: 0x4000, half: 0x3800, three: 0x4200, four: 0x4400, zero: 0 };

async function run(param: string, weights: Uint8Array, input: number[], dims: number[], options: Partial<ConvertOptions> = {}) {
  const { onnx } = convertNcnnToOnnx(param, weights, { name: 'tiny', channels: dims[1], ...options });
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  const output = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(input), dims) })).output!;
  await session.release();
  return { dims: output.dims, data: [...(output.data as Float32Array)] };
}

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

// Conv 1x1 (1→4) + LeakyReLU(0.5) → PReLU → PixelShuffle(2), plus a nearest 2x skip: the shape of
// realesr-animevideov3.
const srParam = `7767517
7 8
Input        in    0 1 data
Split        sp    1 2 data d0 d1
Convolution  conv  1 1 d0 c 0=4 1=1 5=1 6=4 9=2 -23310=1,0.5
PReLU        pr    1 1 c p 0=4
PixelShuffle ps    1 1 p s 0=2
Interp       up    1 1 d1 u 0=1 1=2.0 2=2.0
BinaryOp     add   2 1 s u output 0=0
`;
const srBin = bin([{ fp16: [H.one, H.minusOne, H.two, H.half] }, { raw: [0, 0, -1, 0] }, { raw: [1, 2, 3, 4] }]);

describe('convertNcnnToOnnx', () => {
  it('runs a conv / PReLU / pixel-shuffle / nearest-skip net as worked out by hand', async () => {
    // x = [1, -2] (1x2). Conv w = [1,-1,2,0.5], b = [0,0,-1,0]:
    //   ch0 [1,-2]  ch1 [-1,2]  ch2 [1,-5]  ch3 [0.5,-1]
    // LeakyReLU 0.5: ch0 [1,-1]  ch1 [-0.5,2]  ch2 [1,-2.5]  ch3 [0.5,-0.5]
    // PReLU slopes 1,2,3,4 on negatives: ch0 [1,-1]  ch1 [-1,2]  ch2 [1,-7.5]  ch3 [0.5,-2]
    // PixelShuffle (CRD): row0 = ch0/ch1 interleaved [1,-1,-1,2], row1 = ch2/ch3 [1,0.5,-7.5,-2]
    // + nearest 2x of x, rows [1,1,-2,-2]:
    const out = await run(srParam, srBin, [1, -2], [1, 1, 1, 2], { clampOutput: false });
    expect(out.dims).toEqual([1, 1, 2, 4]);
    expect(out.data).toEqual([2, 0, -3, 0, 2, 1.5, -9.5, -4]);
  });

  it('clamps the output to [0,1] by default', async () => {
    const out = await run(srParam, srBin, [1, -2], [1, 1, 1, 2]);
    expect(out.data).toEqual([1, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('runs eltwise sum with coefficients, a scalar BinaryOp, concat and a deconvolution', async () => {
    const param = `7767517
6 8
Input          in   0 1 data
Split          sp   1 3 data a b c
Eltwise        el   2 1 a b e 0=1 -23301=2,0.2,1.0
BinaryOp       mul  1 1 c m 0=2 1=1 2=3.0
Concat         cat  2 1 e m k 0=0
Deconvolution  dc   1 1 k output 0=1 1=2 3=2 5=1 6=8
`;
    // Deconvolution weights as ncnn stores them: [out=1][in=2][kh=2][kw=2], then bias 0.25.
    const weights = bin([{ fp32Tagged: [1, 2, 3, 4, 0.5, 0, 0, -1] }, { raw: [0.25] }]);
    // x = [1, 2]: e = 0.2x + x = [1.2, 2.4]; m = 3x = [3, 6]; k = [e; m] (2 channels).
    // Stride-2 2x2 deconvolution: out(2y+i, 2x+j) = 0.25 + e·W0[i][j] + m·W1[i][j]
    //   x=0: (0,0) 1.2+1.5=2.7  (0,1) 2.4  (1,0) 3.6  (1,1) 4.8-3=1.8
    //   x=1: (0,0) 2.4+3=5.4    (0,1) 4.8  (1,0) 7.2  (1,1) 9.6-6=3.6
    const out = await run(param, weights, [1, 2], [1, 1, 1, 2], { clampOutput: false });
    expect(out.dims).toEqual([1, 1, 2, 4]);
    const expected = [2.95, 2.65, 5.65, 5.05, 3.85, 2.05, 7.45, 3.85];
    out.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('resizes bilinearly at pixel centres with edges held, as ncnn does', async () => {
    const param = `7767517
2 2
Input   in  0 1 data
Interp  up  1 1 data output 0=2 1=2.0 2=2.0
`;
    // Output x samples input at (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 → clamped to the edge.
    const out = await run(param, new Uint8Array(0), [0, 1], [1, 1, 1, 2], { clampOutput: false });
    expect(out.data).toEqual([0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1]);
  });

  it('swaps in transformed weights and still reads the whole file', async () => {
    const seen: string[] = [];
    const { parameterCount, bytesRead } = convertNcnnToOnnx(srParam, srBin, {
      name: 'tiny',
      transformWeights: (values, role, layer) => {
        seen.push(`${layer.name}.${role}:${values.length}`);
        return values.map(() => 0);
      },
    });
    expect(seen).toEqual(['conv.weight:4', 'conv.bias:4', 'pr.slope:4']);
    expect(parameterCount).toBe(12);
    expect(bytesRead).toBe(srBin.length);
  });

  it('throws when weight bytes are left over or missing', () => {
    const extra = new Uint8Array([...srBin, 0, 0, 0, 0]);
    expect(() => convertNcnnToOnnx(srParam, extra, { name: 'tiny' })).toThrow(/not fully consumed: read 44 of 48 bytes/);
    expect(() => convertNcnnToOnnx(srParam, srBin.subarray(0, 32), { name: 'tiny' })).toThrow(/pr slope: needs 16 bytes/);
  });

  it('names the line and layer it cannot convert', () => {
    const param = srParam.replace('PixelShuffle ps    1 1 p s 0=2', 'Crop         ps    1 1 p s 0=2');
    expect(() => convertNcnnToOnnx(param, srBin, { name: 'tiny' })).toThrow(/line 7: Crop ps: this layer type is not supported/);
  });
});
