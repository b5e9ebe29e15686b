// Images in and out of the post-process worker: a file is decoded here (never on the page's main
// thread) with its oddities turned into notices; pixels from the page are checked; results are
// encoded to PNG here too, alpha and the colour under transparent pixels kept.

import { FORMAT_NAMES, checkImageSize, decodeImage, encodePng } from '../../shared/image/index.ts';
import { assertRgbaImage, type RgbaImage } from '../../shared/image/types.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { ImageSource, PostProcessResult } from './types.ts';

export interface InputImage {
  image: RgbaImage;
  notices: string[];
}

export async function readInput(source: ImageSource, signal: AbortSignal): Promise<InputImage> {
  if (source instanceof Blob) {
    if (source.size === 0) throw new InvalidInputError('The file is empty (0 bytes). Pick the image again, or export it again if it came from another app.');
    const { image, header } = await decodeImage(source, { signal });
    const notices: string[] = [];
    if (header.animated) {
      const frames = header.frameCount ? ` (${header.frameCount} frames)` : '';
      notices.push(`This ${FORMAT_NAMES[header.format]} is animated${frames}; only its first frame was used.`);
    }
    if (header.cmyk) notices.push('This JPEG stores CMYK (print) colours; they were converted to RGB for the screen, so they may look slightly different.');
    return { image, notices };
  }
  if (!source || typeof source !== 'object' || !(source.data instanceof Uint8ClampedArray)) {
    throw new InvalidInputError('Expected an image file or RGBA pixels (width, height and a Uint8ClampedArray).');
  }
  assertRgbaImage(source);
  checkImageSize(source.width, source.height);
  return { image: source, notices: [] };
}

export type Timings = PostProcessResult['timings'];

/** Milliseconds since `start`, to a tenth. */
export const since = (start: number): number => Math.round((performance.now() - start) * 10) / 10;

/** The result as the page asked for it: PNG encoded here, or the pixels (moved, not copied). */
export async function packResult(
  image: RgbaImage,
  output: 'png' | 'rgba' | undefined,
  timings: Timings,
): Promise<Pick<PostProcessResult, 'width' | 'height' | 'png' | 'pixels' | 'timings'>> {
  const start = performance.now();
  const png = output === 'rgba' ? null : await encodePng(image);
  return { width: image.width, height: image.height, png, pixels: output === 'rgba' ? image : null, timings: { ...timings, encode: since(start) } };
}
