// ImageBitmap → RGBA bytes. The obvious route, drawImage on a 2D canvas then getImageData,
// goes through Chromium's premultiplied canvas storage: a pixel (100, 50, 20, α=3) comes back
// as (85, 85, 0, 3), and colour under α=0 is lost. Uploading the bitmap to a WebGL2 texture
// with premultiplication off and reading it back returns the file's bytes exactly (checked in
// tests/browser/image-decode.test.ts), so that is the first choice; the 2D canvas is the
// fallback when WebGL2 is missing or lost. Images larger than a texture are read in tiles.
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

/** One texture upload and readback into `out` at (x, y); false when WebGL says no. */
function readTile(state: GlState, source: ImageBitmap, out: Uint8Array, outWidth: number, x: number, y: number): boolean {
  const { gl, framebuffer } = state;
  const { width, height } = source;
  const texture = gl.createTexture();
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return false;
    // Read straight into place: rows of the whole image are outWidth pixels apart. Texture
    // row 0 is the bitmap's top row and readPixels starts at row 0, so no flip is needed.
    gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
    gl.pixelStorei(gl.PACK_ROW_LENGTH, outWidth);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, out, (y * outWidth + x) * 4);
    gl.pixelStorei(gl.PACK_ROW_LENGTH, 0);
    return gl.getError() === gl.NO_ERROR && !gl.isContextLost();
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.deleteTexture(texture);
  }
}

/** Largest tile side: the GPU's texture limit, and at most 4096 so one tile stays at 64 MiB. */
const TILE_CAP = 4096;

async function readWithWebgl(bitmap: ImageBitmap, tileSize: number | undefined): Promise<RgbaImage | null> {
  const state = glContext();
  if (!state) return null;
  const { width, height } = bitmap;
  const tile = Math.min(tileSize ?? TILE_CAP, state.maxSize);
  const out = new Uint8Array(width * height * 4);
  if (width <= tile && height <= tile) return readTile(state, bitmap, out, width, 0, 0) ? { width, height, data: new Uint8ClampedArray(out.buffer) } : null;
  // Larger than a texture may be: read it in tiles, each cropped from the bitmap unpremultiplied.
  for (let y = 0; y < height; y += tile) {
    for (let x = 0; x < width; x += tile) {
      const part = await createImageBitmap(bitmap, x, y, Math.min(tile, width - x), Math.min(tile, height - y), {
        premultiplyAlpha: 'none',
        colorSpaceConversion: 'none',
      });
      const ok = readTile(state, part, out, width, x, y);
      part.close();
      if (!ok) return null;
    }
  }
  return { width, height, data: new Uint8ClampedArray(out.buffer) };
}

function readWithCanvas2d(bitmap: ImageBitmap): RgbaImage {
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser gives no 2D context on an OffscreenCanvas, so images cannot be read.');
  context.drawImage(bitmap, 0, 0);
  return { width, height, data: context.getImageData(0, 0, width, height).data };
}

export interface ReadbackOptions {
  /** 'canvas2d' forces the lossy route (tests compare the two); default 'webgl'. */
  prefer?: ReadbackPath;
  /** Tile side for the WebGL route; defaults to the texture limit (at most 4096). Tests make it small. */
  tileSize?: number;
}

/** The bitmap's pixels, non-premultiplied, and which route read them (exact: 'webgl'). */
export async function bitmapToRgba(bitmap: ImageBitmap, options: ReadbackOptions = {}): Promise<{ image: RgbaImage; path: ReadbackPath }> {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error('Reading image pixels needs OffscreenCanvas: call this in a browser page or worker, not in Node.');
  }
  const image = (options.prefer ?? 'webgl') === 'webgl' ? await readWithWebgl(bitmap, options.tileSize) : null;
  return image ? { image, path: 'webgl' } : { image: readWithCanvas2d(bitmap), path: 'canvas2d' };
}
