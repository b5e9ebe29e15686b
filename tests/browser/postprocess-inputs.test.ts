// What the post-process worker says about inputs it cannot use, or can use only in part: each
// reaches the page as a typed error (InvalidInputError, or the manager's not-found) whose message
// says what is wrong and what to do; odd but usable images (an animation, CMYK) are processed
// with a notice saying what was done.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, NatailiError } from '../../src/shared/errors.ts';
import type { ImageSource, UpscaleRequest } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { gif, pngHeader } from '../unit/image-builders.ts';
import { flatJpeg } from '../unit/image-jpeg-builder.ts';
import { testPicture } from './postprocess-helpers.ts';

const BUILTIN = 'realesr-animevideov3-x4';
const host = new WorkerHost({ idleMs: 120_000 });

beforeAll(() => host.configure({ backend: 'wasm' }));
afterAll(() => host.releaseAll());

const upscale = (image: ImageSource, request: Partial<UpscaleRequest> = {}) => host.call('postprocess', 'upscale', [image, { model: BUILTIN, ...request }]);

async function failure(job: Promise<unknown>): Promise<NatailiError> {
  const error = await job.then(
    () => new Error('expected the job to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NatailiError);
  return error as NatailiError;
}

async function onePixelPng(): Promise<Blob> {
  const canvas = new OffscreenCanvas(1, 1);
  const context = canvas.getContext('2d')!;
  context.fillStyle = 'rgb(200, 40, 90)';
  context.fillRect(0, 0, 1, 1);
  return canvas.convertToBlob({ type: 'image/png' });
}

describe('inputs the post-process worker refuses, with a clear message', () => {
  it('a file that is not an image, and an empty file', async () => {
    const text = await failure(upscale(new File(['a photo of a cat\n'], 'cat.txt', { type: 'text/plain' })));
    expect(text).toBeInstanceOf(InvalidInputError);
    expect(text.message).toMatch(/not an image: it looks like a text file/);
    const empty = await failure(upscale(new File([], 'empty.png', { type: 'image/png' })));
    expect(empty).toBeInstanceOf(InvalidInputError);
    expect(empty.message).toMatch(/The file is empty \(0 bytes\)/);
  });

  it('a 0×0 image and a 20000×20000 one (refused from the header, before any decoding)', async () => {
    const zero = await failure(upscale(new Blob([pngHeader(0, 0)])));
    expect(zero).toBeInstanceOf(InvalidInputError);
    expect(zero.message).toMatch(/0×0 pixels, which is empty/);
    const started = performance.now();
    const huge = await failure(upscale(new Blob([pngHeader(20000, 20000)])));
    expect(huge).toBeInstanceOf(InvalidInputError);
    expect(huge.message).toMatch(/20000×20000 pixels; at most 16,384 pixels per side fit here\. Scale it down/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('pixels whose buffer does not match their size', async () => {
    const wrong = await failure(upscale({ width: 4, height: 4, data: new Uint8ClampedArray(10) }));
    expect(wrong).toBeInstanceOf(InvalidInputError);
    expect(wrong.message).toMatch(/must hold 64 bytes; it holds 10/);
  });

  it('settings out of range, an unknown model, no model', async () => {
    const picture = () => testPicture(8, 8);
    expect((await failure(upscale(picture(), { outscale: 0 }))).message).toMatch(/Scale must be between 0.25 and 16; got 0/);
    expect((await failure(upscale(picture(), { tileSize: 5 }))).message).toMatch(/Tile size must be 0 \(whole image\) or at least 16; got 5/);
    expect((await failure(upscale(picture(), { tilePad: -1 }))).message).toMatch(/Tile padding must be a whole number from 0 to 256; got -1/);
    const unknown = await failure(upscale(picture(), { model: 'no-such-upscaler' }));
    expect(unknown.code).toBe('not-found');
    expect(unknown.message).toMatch(/No upscaler named "no-such-upscaler" in the catalog/);
    expect((await failure(upscale(picture(), { model: '' }))).message).toMatch(/Choose an upscaler first/);
    const strength = await failure(host.call('postprocess', 'restoreFaces', [picture(), { model: 'GFPGAN', strength: 2 }]));
    expect(strength).toBeInstanceOf(InvalidInputError);
    expect(strength.message).toMatch(/Strength must be between 0 and 1; got 2/);
    const notStored = await failure(host.call('postprocess', 'restoreFaces', [picture(), { model: 'GFPGAN' }]));
    expect(notStored.message).toMatch(/GFPGAN is not downloaded yet\. Press its Download button/);
  });
});

describe('inputs the post-process worker takes, saying what it did', () => {
  it('a 1×1 image is a valid image: it becomes 4×4', async () => {
    const result = await upscale(await onePixelPng(), { output: 'rgba' });
    expect([result.width, result.height, result.notices]).toEqual([4, 4, []]);
    expect(result.pixels!.data.length).toBe(64);
  });

  it('a CMYK JPEG is converted to RGB, and the notice says so', async () => {
    const jpeg = flatJpeg({ blocksX: 2, blocksY: 1, blocks: [[200, 100, 50, 220], [30, 240, 160, 100]], adobeTransform: 0 });
    const result = await upscale(new Blob([jpeg], { type: 'image/jpeg' }));
    expect([result.width, result.height]).toEqual([64, 32]);
    expect(result.notices).toEqual([expect.stringMatching(/CMYK \(print\) colours; they were converted to RGB/)]);
  });

  it('an animated GIF gives its first frame, and the notice says so', async () => {
    const palette = [[255, 0, 0], [0, 0, 255], [0, 255, 0]] as const;
    const file = gif(3, 2, palette, [[0, 1, 2, 2, 1, 0], [1, 1, 1, 1, 1, 1]]);
    const result = await upscale(new Blob([file], { type: 'image/gif' }), { output: 'rgba' });
    expect([result.width, result.height]).toEqual([12, 8]);
    expect(result.notices).toEqual(['This GIF is animated (2 frames); only its first frame was used.']);
    // The first frame's left pixel is red, not the second frame's blue.
    const [r, , b] = result.pixels!.data;
    expect(r!).toBeGreaterThan(b!);
  });
});
