// Port of nataili clip/predictor/inference.py (PredictorInference.__call__): the image's CLIP
// embedding, L2-normalised, through the MLP. The embedding comes from the Interrogator, so an image
// already interrogated (or scored) with the same CLIP model is not embedded again.
import type { RgbaImage } from '../../shared/image/types.ts';
import type { Interrogator } from '../clip/interrogate.ts';
import { l2Normalize } from '../clip/math.ts';
import type { AestheticMlp } from './mlp.ts';

export interface AestheticScore {
  /** The predictor's output: roughly 1–10 for the LAION aesthetic predictors. */
  score: number;
  /** The CLIP model whose embedding was scored. */
  clipModel: string;
}

/** The score of an embedding (normalised again here, as nataili does, whatever its source). */
export function scoreEmbedding(mlp: AestheticMlp, embedding: ArrayLike<number>): number {
  return mlp.predict(l2Normalize(embedding));
}

/** Embeds the image with the predictor's CLIP model (through its cache) and scores it. */
export async function aestheticScore(
  interrogator: Interrogator,
  mlp: AestheticMlp,
  image: RgbaImage,
  options: { signal?: AbortSignal } = {},
): Promise<AestheticScore> {
  const embedding = await interrogator.imageEmbedding(image, options);
  return { score: scoreEmbedding(mlp, embedding), clipModel: interrogator.model.id };
}
