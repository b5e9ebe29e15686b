// Decoding YuNet (OpenCV Zoo face_detection_yunet_2023mar) outputs into faces with five
// landmarks, as OpenCV's FaceDetectorYN does: anchor-free, one prediction per grid cell at strides
// 8, 16 and 32; score = √(cls·obj); centre = (cell + offset)·stride; size = e^offset·stride.

import type { FiveLandmarks } from './align.ts';
import { nonMaxSuppression, type Face } from './retinaface.ts';

export const yunetStrides = [8, 16, 32] as const;

/** The 12 outputs by name: cls_8 … kps_32, each [1, cells, k] flattened. */
export type YunetOutputs = Record<`${'cls' | 'obj' | 'bbox' | 'kps'}_${(typeof yunetStrides)[number]}`, Float32Array>;

export interface YunetDecodeOptions {
  /** The padded input size the network saw (multiples of 32). */
  width: number;
  height: number;
  scoreThreshold?: number;
  nmsThreshold?: number;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

export function decodeYunet(outputs: YunetOutputs, options: YunetDecodeOptions): Face[] {
  const threshold = options.scoreThreshold ?? 0.6;
  const faces: Face[] = [];
  for (const stride of yunetStrides) {
    const cols = Math.floor(options.width / stride);
    const rows = Math.floor(options.height / stride);
    const cls = outputs[`cls_${stride}`];
    const obj = outputs[`obj_${stride}`];
    const bbox = outputs[`bbox_${stride}`];
    const kps = outputs[`kps_${stride}`];
    if (cls.length !== rows * cols || obj.length !== rows * cols || bbox.length !== rows * cols * 4 || kps.length !== rows * cols * 10) {
      throw new RangeError(`YuNet stride-${stride} outputs do not match a ${options.width}×${options.height} input (${rows * cols} cells)`);
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const score = Math.sqrt(clamp01(cls[i]!) * clamp01(obj[i]!));
        if (score < threshold) continue;
        const cx = (c + bbox[i * 4]!) * stride;
        const cy = (r + bbox[i * 4 + 1]!) * stride;
        const w = Math.exp(bbox[i * 4 + 2]!) * stride;
        const h = Math.exp(bbox[i * 4 + 3]!) * stride;
        // YuNet lists the subject's right eye first, which is the image's left: the FFHQ template's order.
        const landmarks = Array.from({ length: 5 }, (_, k) => [(kps[i * 10 + 2 * k]! + c) * stride, (kps[i * 10 + 2 * k + 1]! + r) * stride] as const);
        faces.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, landmarks: landmarks as unknown as FiveLandmarks });
      }
    }
  }
  return nonMaxSuppression(faces, options.nmsThreshold ?? 0.3);
}
