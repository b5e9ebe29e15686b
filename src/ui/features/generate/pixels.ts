// Pixels between files, canvases and the workers' RgbaImage (plain data that can be transferred).
import { encodePng } from '../../../shared/image/encode-png.ts';
import type { RgbaImage } from '../../../shared/image/types.ts';

/** Decodes a picked image file in the page (the browser's decoder, orientation applied). */
export async function fileToRgba(file: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, data };
}

export function drawRgba(canvas: HTMLCanvasElement, image: { width: number; height: number; rgba?: Uint8ClampedArray; data?: Uint8ClampedArray }): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const pixels = image.rgba ?? image.data!;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels), image.width, image.height), 0, 0);
}

export async function rgbaToUrl(image: RgbaImage): Promise<string> {
  return URL.createObjectURL(await encodePng(image));
}
