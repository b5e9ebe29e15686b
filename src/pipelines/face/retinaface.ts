// Decoding a RetinaFace detector's raw outputs into faces with five landmarks (facexlib's
// RetinaFace, the detector nataili's face restorers use): anchor priors per feature stride,
// box and landmark offsets scaled by the variances, confidence threshold, then non-maximum
// suppression.

import type { FiveLandmarks } from './align.ts';

export interface Face {
  /** Box corners in input pixels. */
  box: readonly [number, number, number, number];
  score: number;
  landmarks: FiveLandmarks;
}

export interface RetinaFaceConfig {
  minSizes: readonly (readonly number[])[];
  steps: readonly number[];
  variance: readonly [number, number];
}

/** The ResNet-50 / MobileNet RetinaFace configuration. */
export const retinaFaceConfig: RetinaFaceConfig = {
  minSizes: [
    [16, 32],
    [64, 128],
    [256, 512],
  ],
  steps: [8, 16, 32],
  variance: [0.1, 0.2],
};

/** Anchor priors as [cx, cy, w, h] in pixels, in the order the network emits its outputs. */
export function priorBoxes(width: number, height: number, config = retinaFaceConfig): Float32Array {
  const boxes: number[] = [];
  config.steps.forEach((step, level) => {
    const rows = Math.ceil(height / step);
    const cols = Math.ceil(width / step);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        for (const size of config.minSizes[level]!) boxes.push((j + 0.5) * step, (i + 0.5) * step, size, size);
      }
    }
  });
  return Float32Array.from(boxes);
}

function iou(a: Face['box'], b: Face['box']): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: keeps the best face of every overlapping group. */
export function nonMaxSuppression(faces: readonly Face[], threshold: number): Face[] {
  const kept: Face[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k.box, face.box) <= threshold)) kept.push(face);
  }
  return kept;
}

export interface DecodeOptions {
  width: number;
  height: number;
  scoreThreshold?: number;
  nmsThreshold?: number;
  config?: RetinaFaceConfig;
}

/**
 * loc: [N,4] offsets, conf: [N,2] (background, face) probabilities, landmarks: [N,10] offsets,
 * with N the number of priors for the input size.
 */
export function decodeRetinaFace(loc: Float32Array, conf: Float32Array, landmarks: Float32Array, options: DecodeOptions): Face[] {
  const config = options.config ?? retinaFaceConfig;
  const priors = priorBoxes(options.width, options.height, config);
  const count = priors.length / 4;
  if (loc.length !== count * 4 || conf.length !== count * 2 || landmarks.length !== count * 10) {
    throw new RangeError(`detector outputs do not match ${count} priors for a ${options.width}×${options.height} input`);
  }
  const [v0, v1] = config.variance;
  const threshold = options.scoreThreshold ?? 0.5;
  const faces: Face[] = [];
  for (let i = 0; i < count; i++) {
    const score = conf[i * 2 + 1]!;
    if (score < threshold) continue;
    const [px, py, pw, ph] = [priors[i * 4]!, priors[i * 4 + 1]!, priors[i * 4 + 2]!, priors[i * 4 + 3]!];
    const cx = px + loc[i * 4]! * v0 * pw;
    const cy = py + loc[i * 4 + 1]! * v0 * ph;
    const w = pw * Math.exp(loc[i * 4 + 2]! * v1);
    const h = ph * Math.exp(loc[i * 4 + 3]! * v1);
    const points = Array.from({ length: 5 }, (_, k) => [px + landmarks[i * 10 + 2 * k]! * v0 * pw, py + landmarks[i * 10 + 2 * k + 1]! * v0 * ph] as const);
    faces.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, landmarks: points as unknown as FiveLandmarks });
  }
  return nonMaxSuppression(faces, options.nmsThreshold ?? 0.4);
}
