// The safety checker's decision on a CLIP image embedding, for a catalog that ships the checker
// split (a CLIP vision model with projection, plus its concept embeddings and thresholds as JSON)
// instead of diffusers' single graph. Port of diffusers StableDiffusionSafetyChecker.forward:
// cosine of the image with 3 "special care" and 17 concept embeddings; any special score above
// its threshold adds 0.01 to every concept score; any concept score above 0 flags the image.
import { InvalidInputError } from '../../shared/errors.ts';
import { dot, l2Normalize } from '../clip/math.ts';

export interface SafetyConcepts {
  /** concept_embeds, one row per concept (17 × 768 in the SD checker). */
  conceptEmbeds: readonly (readonly number[])[];
  /** concept_embeds_weights: the cosine above which a concept counts. */
  conceptThresholds: readonly number[];
  specialEmbeds: readonly (readonly number[])[];
  specialThresholds: readonly number[];
  /** Added to every score first; diffusers uses 0 (a positive value makes the checker stricter). */
  adjustment?: number;
}

export interface ConceptVerdict {
  unsafe: boolean;
  /** Cosine minus threshold (plus adjustments) per concept; > 0 counts. */
  conceptScores: number[];
  specialScores: number[];
}

/** Reads the concepts JSON: {concept_embeds, concept_embeds_weights, special_care_embeds, special_care_embeds_weights}. */
export function conceptsFromJson(json: unknown): SafetyConcepts {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const rows = (key: string): number[][] => {
    const value = o[key];
    if (!Array.isArray(value) || !value.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number'))) {
      throw new InvalidInputError(`The safety concepts file needs "${key}" as a list of number lists.`);
    }
    return value as number[][];
  };
  const list = (key: string, length: number): number[] => {
    const value = o[key];
    if (!Array.isArray(value) || value.length !== length || !value.every((x) => typeof x === 'number')) {
      throw new InvalidInputError(`The safety concepts file needs "${key}" as ${length} numbers.`);
    }
    return value as number[];
  };
  const conceptEmbeds = rows('concept_embeds');
  const specialEmbeds = rows('special_care_embeds');
  return {
    conceptEmbeds,
    conceptThresholds: list('concept_embeds_weights', conceptEmbeds.length),
    specialEmbeds,
    specialThresholds: list('special_care_embeds_weights', specialEmbeds.length),
  };
}

function scores(image: Float32Array, embeds: readonly (readonly number[])[], thresholds: readonly number[], shift: number): number[] {
  return embeds.map((row, i) => dot(image, l2Normalize(row)) - thresholds[i]! + shift);
}

/** The verdict for one image embedding (projected, any length: it is normalised here). */
export function conceptVerdict(imageEmbedding: ArrayLike<number>, concepts: SafetyConcepts): ConceptVerdict {
  const image = l2Normalize(imageEmbedding);
  const adjustment = concepts.adjustment ?? 0;
  const specialScores = scores(image, concepts.specialEmbeds, concepts.specialThresholds, adjustment);
  const specialCare = specialScores.some((s) => s > 0);
  const conceptScores = scores(image, concepts.conceptEmbeds, concepts.conceptThresholds, adjustment + (specialCare ? 0.01 : 0));
  return { unsafe: conceptScores.some((s) => s > 0), conceptScores, specialScores };
}
