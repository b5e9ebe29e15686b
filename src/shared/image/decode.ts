// Blob or bytes → RgbaImage. Order matters: sniff the header (reject non-images with a
// useful message), check the size against the caller's limits (before anything allocates
// width·height·4 bytes), then let the browser decode with EXIF orientation applied and alpha
// left alone, and read the pixels back exactly (readback.ts).
import { InvalidInputError } from '../errors.ts';
import { asBytes } from './bytes.ts';
import { FORMAT_NAMES, MIME_TYPES, orientedSize, type ImageHeader } from './header.ts';
import { checkImageSize, type ImageLimits } from './limits.ts';
import { bitmapToRgba, type ReadbackOptions, type ReadbackPath } from './readback.ts';
import { sniffImage } from './sniff.ts';
import type { RgbaImage } from './types.ts';

export type ImageInput = Blob | ArrayBuffer | ArrayBufferView;

export interface DecodeOptions extends ImageLimits {
  signal?: AbortSignal;
  /** How pixels are read back from the decoded bitmap (readback.ts); the default is exact. */
  readback?: ReadbackOptions;
}

export interface DecodedImage {
  image: RgbaImage;
  /** Format, stored size, orientation, animation (first frame kept), CMYK. */
  header: ImageHeader;
  readback: ReadbackPath;
}

async function bytesOf(input: ImageInput): Promise<Uint8Array> {
  return input instanceof Blob ? new Uint8Array(await input.arrayBuffer()) : asBytes(input);
}

/** The header alone, with the limits checked: enough for a UI to warn before decoding. */
export async function readImageHeader(input: ImageInput, limits: ImageLimits = {}): Promise<ImageHeader> {
  const header = sniffImage(await bytesOf(input));
  const size = orientedSize(header);
  checkImageSize(size.width, size.height, limits);
  return header;
}

function blobFor(input: ImageInput, bytes: Uint8Array, header: ImageHeader): Blob {
  if (input instanceof Blob) return input;
  // Blob parts may not be views of a SharedArrayBuffer; copy only then.
  const own = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  return new Blob([own], { type: MIME_TYPES[header.format] });
}

export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<DecodedImage> {
  const { signal } = options;
  signal?.throwIfAborted();
  const bytes = await bytesOf(input);
  const header = sniffImage(bytes);
  const size = orientedSize(header);
  checkImageSize(size.width, size.height, options);
  if (typeof createImageBitmap === 'undefined') {
    throw new Error('Decoding image pixels needs createImageBitmap: call this in a browser page or worker, not in Node.');
  }
  signal?.throwIfAborted();
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blobFor(input, bytes, header), {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidInputError(
      `This ${FORMAT_NAMES[header.format]} file could not be decoded (${reason}): it is corrupt, cut short, or uses a feature this browser lacks. Export it again as PNG or JPEG.`,
      { cause },
    );
  }
  try {
    // A header may lie about its size; the bitmap cannot.
    checkImageSize(bitmap.width, bitmap.height, options);
    signal?.throwIfAborted();
    const { image, path } = await bitmapToRgba(bitmap, options.readback);
    return { image, header, readback: path };
  } finally {
    bitmap.close();
  }
}
