// Face detectors as the restoration pipeline sees them: an image in, faces with five landmarks
// out, in that image's pixels. Each wraps a model runner with the model's own input convention.

import type { PlanarTensor, RgbaImage } from '../../shared/image/types.ts';
import { decodeRetinaFace, type Face } from './retinaface.ts';
import { decodeYunet, type YunetOutputs } from './yunet.ts';

export type FaceDetector = (image: RgbaImage) => Promise<Face[]>;

export interface RetinaFaceOutputs {
  loc: Float32Array;
  conf: Float32Array;
  landmarks: Float32Array;
}

/** RGBA → planar BGR minus `mean`, zero-padded to multiples of 32 (zero = the mean colour). */
export function bgrInput(image: RgbaImage, mean: readonly [number, number, number]): PlanarTensor {
  const h = Math.ceil(image.height / 32) * 32;
  const w = Math.ceil(image.width / 32) * 32;
  const plane = h * w;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      const o = y * w + x;
      data[o] = image.data[i + 2]! - mean[0];
      data[plane + o] = image.data[i + 1]! - mean[1];
      data[2 * plane + o] = image.data[i]! - mean[2];
    }
  }
  return { data, dims: [1, 3, h, w] };
}

/** facexlib's RetinaFace: BGR minus (104, 117, 123). */
export function retinaFaceDetector(run: (input: PlanarTensor) => Promise<RetinaFaceOutputs>, scoreThreshold = 0.5): FaceDetector {
  return async (image) => {
    const input = bgrInput(image, [104, 117, 123]);
    const out = await run(input);
    return decodeRetinaFace(out.loc, out.conf, out.landmarks, { width: input.dims[3], height: input.dims[2], scoreThreshold });
  };
}

/** YuNet: raw BGR in 0..255. */
export function yunetDetector(run: (input: PlanarTensor) => Promise<YunetOutputs>, scoreThreshold = 0.6): FaceDetector {
  return async (image) => {
    const input = bgrInput(image, [0, 0, 0]);
    return decodeYunet(await run(input), { width: input.dims[3], height: input.dims[2], scoreThreshold });
  };
}
