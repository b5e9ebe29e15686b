// Thumbnails for the gallery grid: the browser's own decoder scales the PNG while decoding
// (createImageBitmap resize), and a WebP of at most 256 px a side keeps the grid light.
// Browser-only (a worker or a page); Node tests hand the store a thumbnailer of their own.

export type Thumbnailer = (png: Blob, width: number, height: number) => Promise<Blob>;

export const THUMBNAIL_SIDE = 256;

export const browserThumbnail: Thumbnailer = async (png, width, height) => {
  const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const bitmap = await createImageBitmap(png, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  try {
    const canvas = new OffscreenCanvas(w, h);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser gives no 2D context on an OffscreenCanvas, so it cannot make thumbnails.');
    context.drawImage(bitmap, 0, 0);
    const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 0.82 });
    // A browser that cannot write WebP falls back to PNG by itself; either is fine for a thumbnail.
    return webp;
  } finally {
    bitmap.close();
  }
};
