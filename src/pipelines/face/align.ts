// Five-point face alignment to the FFHQ 512×512 template, as GFPGAN and CodeFormer expect their
// input (nataili gfpgan/codeformer via facexlib's FaceRestoreHelper.align_warp_face).

export type Point = readonly [number, number];
export type FiveLandmarks = readonly [Point, Point, Point, Point, Point];

/** Left eye, right eye, nose tip, left and right mouth corner in the 512² FFHQ crop. */
export const ffhq512Template: FiveLandmarks = [
  [192.98138, 239.94708],
  [318.90277, 240.1936],
  [256.63416, 314.01935],
  [201.26117, 371.41043],
  [313.08905, 371.15118],
];

/**
 * A 2×3 affine matrix [a, b, c, d, e, f] mapping (x, y) to (a·x + b·y + c, d·x + e·y + f).
 */
export type Affine = readonly [number, number, number, number, number, number];

export function applyAffine(m: Affine, [x, y]: Point): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * The least-squares similarity (rotation, uniform scale, translation; no shear, no reflection)
 * taking `from` points onto `to` points. In complex numbers, to ≈ z·from + t with
 * z = Σ (to−to̅)·conj(from−from̅) / Σ |from−from̅|².
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== to.length || from.length < 2) throw new RangeError('need at least two matching point pairs');
  const n = from.length;
  const mean = (points: readonly Point[]) => points.reduce<[number, number]>((m, p) => [m[0] + p[0] / n, m[1] + p[1] / n], [0, 0]);
  const [fx, fy] = mean(from);
  const [tx, ty] = mean(to);
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - fx;
    const py = from[i]![1] - fy;
    const qx = to[i]![0] - tx;
    const qy = to[i]![1] - ty;
    // (qx + i·qy)·(px − i·py)
    re += qx * px + qy * py;
    im += qy * px - qx * py;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new RangeError('the source points all coincide');
  const a = re / norm;
  const b = im / norm;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (Math.abs(det) < 1e-12) throw new RangeError('the transform is not invertible');
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/** The transform from image coordinates into the `size`² aligned face crop. */
export function alignmentTransform(landmarks: FiveLandmarks, size = 512): Affine {
  const scale = size / 512;
  const template = ffhq512Template.map(([x, y]) => [x * scale, y * scale] as const);
  return estimateSimilarity(landmarks, template);
}
