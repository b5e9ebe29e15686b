// ImageBitmap → RGBA bytes. The obvious route, drawImage on a 2D canvas then getImageData,
// goes through Chromium's premultiplied canvas storage: a pixel (100, 50, 20, α=3) comes back
// as (85, 85, 0, 3), and colour under α=0 is lost. Uploading the bitmap to a WebGL2 texture
// with premultiplication off and reading it back returns the file's bytes exactly (checked in
// tests/browser/image-decode.test.ts), so that is the first choice; the 2D canvas is the
// fallback when WebGL2 is missing, lost, or the image is larger than a texture may be.
import type { RgbaImage } from './types.ts';

export type ReadbackPath = 'webgl' | 'canvas2d';

interface GlState {
  gl: WebGL2RenderingContext;
  framebuffer: WebGLFramebuffer;
  maxSize: number;
}

// One context per realm (page or worker), made on first use: contexts are slow to create and
// browsers cap how many live at once.
let glState: GlState | null | undefined;

function glContext(): GlState | null {
  if (glState && !glState.gl.isContextLost()) return glState;
  if (glState === null) return null;
  glState = null;
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2', { antialias: false, depth: false, stencil: false, premultipliedAlpha: false });
    const framebuffer = gl?.createFramebuffer();
    if (gl && framebuffer) glState = { gl, framebuffer, maxSize: gl.getParameter(gl.MAX_TEXTURE_SIZE) as number };
  } catch {
    // No WebGL2 here (blocklisted GPU, a browser without it): the 2D path will do.
  }
  return glState;
}

function readWithWebgl(bitmap: ImageBitmap): RgbaImage | null {
  const state = glContext();
  const { width, height } = bitmap;
  if (!state || width > state.maxSize || height > state.maxSize) return null;
  const { gl, framebuffer } = state;
  const texture = gl.createTexture();
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return null;
    const pixels = new Uint8Array(width * height * 4);
    // Texture row 0 is the bitmap's top row and readPixels starts at row 0, so rows come out
    // top first with no flip.
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    if (gl.getError() !== gl.NO_ERROR || gl.isContextLost()) return null;
    return { width, height, data: new Uint8ClampedArray(pixels.buffer) };
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteTexture(texture);
  }
}

function readWithCanvas2d(bitmap: ImageBitmap): RgbaImage {
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser gives no 2D context on an OffscreenCanvas, so images cannot be read.');
  context.drawImage(bitmap, 0, 0);
  return { width, height, data: context.getImageData(0, 0, width, height).data };
}

/** The bitmap's pixels, non-premultiplied, and which route read them (exact: 'webgl'). */
export function bitmapToRgba(bitmap: ImageBitmap, prefer: ReadbackPath = 'webgl'): { image: RgbaImage; path: ReadbackPath } {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error('Reading image pixels needs OffscreenCanvas: call this in a browser page or worker, not in Node.');
  }
  const image = prefer === 'webgl' ? readWithWebgl(bitmap) : null;
  return image ? { image, path: 'webgl' } : { image: readWithCanvas2d(bitmap), path: 'canvas2d' };
}
