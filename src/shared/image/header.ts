// What an image file says about itself before any pixel is decoded. Reading it first lets us
// reject a 20000×20000 image without allocating 1.6 GB for it, and tell the user about
// animations and CMYK before the browser quietly decodes one frame or odd colours.
import { InvalidInputError } from '../errors.ts';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'avif';

export const MIME_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  avif: 'image/avif',
};

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  gif: 'GIF',
  bmp: 'BMP',
  avif: 'AVIF',
};

export interface ImageHeader {
  format: ImageFormat;
  /** Size as stored in the file, before EXIF orientation. */
  width: number;
  height: number;
  /**
   * EXIF orientation 1..8, read from JPEG only (1 elsewhere; Chromium may still rotate other
   * formats by their EXIF, and the decoded size is then the truth). 5..8 swap width and height.
   */
  orientation: number;
  /** More than one frame: decoding keeps the first, so callers may warn. */
  animated: boolean;
  /** Frames counted from the file, when the format lists them. */
  frameCount: number | undefined;
  /** Whether the format declares transparency; undefined when the header does not say. */
  hasAlpha: boolean | undefined;
  /** JPEG with four components (CMYK or YCCK, usually from print workflows). */
  cmyk: boolean;
}

export function baseHeader(format: ImageFormat, width: number, height: number): ImageHeader {
  return { format, width, height, orientation: 1, animated: false, frameCount: undefined, hasAlpha: undefined, cmyk: false };
}

/** Width and height as the decoded image will have them (orientations 5..8 turn it by 90°). */
export function orientedSize(header: ImageHeader): { width: number; height: number } {
  return header.orientation >= 5 ? { width: header.height, height: header.width } : { width: header.width, height: header.height };
}

export function truncated(format: ImageFormat, where: string): InvalidInputError {
  return new InvalidInputError(
    `This ${FORMAT_NAMES[format]} file is cut short or corrupt: it ends ${where}. Download or export the image again.`,
  );
}
