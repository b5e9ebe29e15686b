// Moving faces between the image and the aligned 512² crop: warp in, paste back through the
// inverse transform under a feathered mask (facexlib's paste_faces_to_input_image, with the
// mask's soft edge computed in face space instead of an image-space blur).

import type { RgbaImage } from '../../shared/image/types.ts';
import { applyAffine, invertAffine, type Affine } from './align.ts';


/** Bilinear sample of channel `c` at (x, y), integer coordinates at pixel centres; null outside. */
function sample(image: RgbaImage, x: number, y: number, c: number): number | null {
  if (x < -0.5 || y < -0.5 || x > image.width - 0.5 || y > image.height - 0.5) return null;
  const cx = Math.min(Math.max(x, 0), image.width - 1);
  const cy = Math.min(Math.max(y, 0), image.height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (xx: number, yy: number) => image.data[(yy * image.width + xx) * 4 + c]!;
  const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
  const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Warps `image` into a size×size crop; `toCrop` maps image coordinates to crop coordinates. */
export function warpToCrop(image: RgbaImage, toCrop: Affine, size: number, border: readonly [number, number, number] = [135, 133, 132]): RgbaImage {
  const toImage = invertAffine(toCrop);
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [sx, sy] = applyAffine(toImage, [x, y]);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) data[i + c] = Math.round(sample(image, sx, sy, c) ?? border[c]!);
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

/** Mask weight in face space: 1 inside, falling linearly to 0 over `feather` pixels at the crop's edge. */
export function featherWeight(x: number, y: number, size: number, feather: number): number {
  const edge = Math.min(x, y, size - 1 - x, size - 1 - y);
  if (edge < 0) return 0;
  return feather <= 0 ? 1 : Math.min(1, edge / feather);
}

/** The image-space box the crop covers, clipped to the image. */
function coveredBox(target: RgbaImage, toImage: Affine, size: number) {
  const corners = [[0, 0], [size - 1, 0], [0, size - 1], [size - 1, size - 1]].map(([x, y]) => applyAffine(toImage, [x!, y!]));
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  return {
    x0: Math.max(0, Math.floor(Math.min(...xs))),
    y0: Math.max(0, Math.floor(Math.min(...ys))),
    x1: Math.min(target.width - 1, Math.ceil(Math.max(...xs))),
    y1: Math.min(target.height - 1, Math.ceil(Math.max(...ys))),
  };
}

/**
 * Blends the restored crop back into `target` in place. `toCrop` is the transform used to cut
 * the face out (image → crop). `feather` is in crop pixels (facexlib uses about 1/20 of the size).
 */
export function pasteBack(target: RgbaImage, face: RgbaImage, toCrop: Affine, feather = face.width / 20): void {
  const size = face.width;
  const box = coveredBox(target, invertAffine(toCrop), size);
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const [fx, fy] = applyAffine(toCrop, [x, y]);
      const weight = featherWeight(fx, fy, size, feather);
      if (weight === 0) continue;
      const i = (y * target.width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const restored = sample(face, fx, fy, c)!;
        target.data[i + c] = Math.round(target.data[i + c]! * (1 - weight) + restored * weight);
      }
    }
  }
}
