// Gradient clipping cases: gradients over the limit (scaled down), under it (left alone), and
// one large tensor among small ones (several partial sums).

export interface ClipCase {
  name: string;
  maxNorm: number;
  shapes: number[][];
  /** Norm of the whole set, when worked out by hand. */
  expectedNorm?: number;
  values?: number[][];
}

export const clipCases: ClipCase[] = [
  // √(3² + 4² + 12²) = 13: clipped to 1 → coef = 1 / (13 + 1e-6).
  { name: 'hand values over the limit', maxNorm: 1, shapes: [[2], [1]], values: [[3, 4], [12]], expectedNorm: 13 },
  { name: 'under the limit', maxNorm: 100, shapes: [[3, 4], [5]] },
  { name: 'large and small', maxNorm: 0.5, shapes: [[64, 70], [7], [3, 3, 3]] },
];
