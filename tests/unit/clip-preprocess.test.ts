// Image preprocessing as preprocessor_config.json says: shortest side, centre crop, mean/std.
import { describe, expect, it } from 'vitest';
import {
  BLIP_IMAGE_CONFIG,
  CLIP_IMAGE_CONFIG,
  centerCrop,
  imageConfigFromJson,
  prepareImage,
  preprocessImages,
  shortestEdgeSize,
} from '../../src/pipelines/clip/preprocess.ts';
import { CLIP_MEAN, CLIP_STD } from '../../src/shared/image/normalize.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';

/** Each pixel's red = x, green = y (mod 256), so a crop's origin can be read back. */
function coordinates(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x % 256, y % 256, 7, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

describe('sizes', () => {
  it('resizes the shortest side and truncates the long one (torchvision / HF)', () => {
    expect(shortestEdgeSize(640, 480, 224)).toEqual({ width: 298, height: 224 });
    expect(shortestEdgeSize(480, 640, 224)).toEqual({ width: 224, height: 298 });
    expect(shortestEdgeSize(500, 500, 224)).toEqual({ width: 224, height: 224 });
  });

  it('crops the centre, offsets rounded down', () => {
    const crop = centerCrop(coordinates(11, 6), 4, 4);
    // left = floor((11 − 4) / 2) = 3, top = floor((6 − 4) / 2) = 1
    expect([crop.data[0], crop.data[1]]).toEqual([3, 1]);
    expect([crop.data[(3 * 4 + 3) * 4], crop.data[(3 * 4 + 3) * 4 + 1]]).toEqual([6, 4]);
  });

  it('pads with black where the image is smaller than the crop (HF pads with zeros)', () => {
    const crop = centerCrop(coordinates(2, 2), 4, 4);
    expect(Array.from(crop.data.slice(0, 4))).toEqual([0, 0, 0, 255]);
    // The 2×2 image sits at (1, 1).
    expect(Array.from(crop.data.slice((1 * 4 + 1) * 4, (1 * 4 + 1) * 4 + 4))).toEqual([0, 0, 7, 255]);
  });

  it('CLIP: 640×480 → 298×224 → 224×224; BLIP: straight to 384×384', () => {
    const clip = prepareImage(coordinates(640, 480), CLIP_IMAGE_CONFIG);
    expect([clip.width, clip.height]).toEqual([224, 224]);
    const blip = prepareImage(coordinates(640, 480), BLIP_IMAGE_CONFIG);
    expect([blip.width, blip.height]).toEqual([384, 384]);
  });
});

describe('normalisation', () => {
  it('maps bytes through 1/255, then (x − mean) / std per channel, NCHW', () => {
    const image: RgbaImage = { width: 1, height: 1, data: new Uint8ClampedArray([255, 0, 128, 255]) };
    const t = preprocessImages([image], { ...CLIP_IMAGE_CONFIG, resize: null, crop: null });
    expect(t.dims).toEqual([1, 3, 1, 1]);
    expect(t.data[0]).toBeCloseTo((1 - CLIP_MEAN[0]) / CLIP_STD[0], 5);
    expect(t.data[1]).toBeCloseTo((0 - CLIP_MEAN[1]) / CLIP_STD[1], 5);
    expect(t.data[2]).toBeCloseTo((128 / 255 - CLIP_MEAN[2]) / CLIP_STD[2], 5);
  });

  it('batches images of different shapes once they are cropped alike', () => {
    const t = preprocessImages([coordinates(300, 200), coordinates(200, 300)], { ...CLIP_IMAGE_CONFIG, resize: { shortestEdge: 32 }, crop: { width: 32, height: 32 } });
    expect(t.dims).toEqual([2, 3, 32, 32]);
  });
});

describe('preprocessor_config.json', () => {
  it("reads CLIPImageProcessor's config", () => {
    const config = imageConfigFromJson({
      crop_size: { height: 224, width: 224 },
      do_center_crop: true,
      do_normalize: true,
      do_resize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
      resample: 3,
      size: { shortest_edge: 224 },
    });
    expect(config).toEqual({ ...CLIP_IMAGE_CONFIG, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] });
  });

  it("reads BlipImageProcessor's config and the older flat numbers", () => {
    const blip = imageConfigFromJson({ do_resize: true, size: { height: 384, width: 384 }, resample: 3, do_normalize: true });
    expect(blip.resize).toEqual({ width: 384, height: 384 });
    expect(blip.crop).toBeNull();
    const flat = imageConfigFromJson({ size: 224, crop_size: 224, do_center_crop: true, resample: 2 });
    expect(flat).toMatchObject({ resize: { shortestEdge: 224 }, crop: { width: 224, height: 224 }, filter: 'bilinear' });
    expect(() => imageConfigFromJson({ size: 'big' })).toThrow(/"size" must be/);
  });
});
