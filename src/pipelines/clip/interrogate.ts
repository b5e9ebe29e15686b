// Port of nataili clip/interrogate.py (Interrogator): which labels of each set describe an image.
// rank → per set, the top labels by softmax(100 · image · textᵀ) with confidence in percent;
// similarity → every label with its cosine similarity, highest first. Text embeddings are read
// from the cache when present, so only the image is embedded on a later call.
import { InvalidInputError } from '../../shared/errors.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import { throwIfAborted, type ProgressCallback } from '../../shared/progress.ts';
import { MemoryEmbeddingCache, pixelKey, textKey, type EmbeddingCache } from './cache.ts';
import { embedPixelTensors, embedTexts, type ClipModel } from './embed.ts';
import { defaultLabelSets } from './labels/index.ts';
import { rankLabels, similarityLabels, type RankEntry, type SimilarityEntry } from './math.ts';
import { CLIP_IMAGE_CONFIG, preprocessImages } from './preprocess.ts';

/** One list (treated as the set "default", as nataili does) or named lists. */
export type LabelSets = readonly string[] | Readonly<Record<string, readonly string[]>>;

export interface InterrogateOptions {
  signal?: AbortSignal;
  /** A 'step' per batch of labels that had to be embedded. */
  onProgress?: ProgressCallback;
  /** Labels per text-model call; default 32. */
  batchSize?: number;
}

export interface RankOptions extends InterrogateOptions {
  /** Labels returned per set; default 2 (nataili's). */
  topCount?: number;
}

export interface InterrogationRequest extends RankOptions {
  labels?: LabelSets;
  rank?: boolean;
  similarity?: boolean;
}

export interface InterrogationResult {
  rank?: Record<string, RankEntry[]>;
  /** Over every label of every set, most similar first. */
  similarity?: SimilarityEntry[];
}

export function asLabelSets(labels: LabelSets): Record<string, readonly string[]> {
  const sets: Record<string, readonly string[]> = Array.isArray(labels) ? { default: labels } : { ...(labels as Record<string, readonly string[]>) };
  for (const [name, list] of Object.entries(sets)) {
    if (!Array.isArray(list) || list.some((label) => typeof label !== 'string')) {
      throw new InvalidInputError(`Label set "${name}" must be a list of texts.`);
    }
  }
  return sets;
}

export class Interrogator {
  private readonly cache: EmbeddingCache;

  constructor(
    readonly model: ClipModel,
    options: { cache?: EmbeddingCache } = {},
  ) {
    this.cache = options.cache ?? new MemoryEmbeddingCache();
  }

  /** The image's unit embedding, from the cache when this model has seen these pixels. */
  async imageEmbedding(image: RgbaImage, options: InterrogateOptions = {}): Promise<Float32Array> {
    const tensor = preprocessImages([image], this.model.image ?? CLIP_IMAGE_CONFIG);
    const key = await pixelKey(this.model.id, tensor);
    const cached = await this.cache.get(key);
    if (cached) return cached;
    throwIfAborted(options.signal);
    const [embedding] = await embedPixelTensors(this.model, [tensor], { signal: options.signal });
    await this.cache.put(key, embedding!);
    return embedding!;
  }

  /** Unit embeddings for the texts, embedding (batched) only those the cache lacks. */
  async textEmbeddings(texts: readonly string[], options: InterrogateOptions = {}): Promise<Float32Array[]> {
    const keys = await Promise.all(texts.map((text) => textKey(this.model.id, text)));
    const found = await this.cache.getMany(keys);
    const missing = [...new Set(texts.filter((_, i) => !found[i]))];
    if (missing.length > 0) {
      const made = await embedTexts(this.model, missing, options);
      const byText = new Map(missing.map((text, i) => [text, made[i]!]));
      await this.cache.putMany(await Promise.all(missing.map(async (text) => [await textKey(this.model.id, text), byText.get(text)!] as const)));
      texts.forEach((text, i) => (found[i] ??= byText.get(text)));
    }
    return found.map((embedding) => embedding!);
  }

  /** Per set, the topCount most likely labels with confidence in percent. */
  async rank(image: RgbaImage, labels: LabelSets = defaultLabelSets(), options: RankOptions = {}): Promise<Record<string, RankEntry[]>> {
    return (await this.interrogate(image, { ...options, labels, rank: true })).rank!;
  }

  /** Every label with its cosine similarity to the image, most similar first. */
  async similarity(image: RgbaImage, labels: LabelSets, options: InterrogateOptions = {}): Promise<SimilarityEntry[]> {
    return (await this.interrogate(image, { ...options, labels, similarity: true })).similarity!;
  }

  /** nataili's __call__: rank, similarity or both, over the default sets unless given others. */
  async interrogate(image: RgbaImage, request: InterrogationRequest = { rank: true }): Promise<InterrogationResult> {
    if (!request.rank && !request.similarity) throw new InvalidInputError('Ask for rank, similarity or both.');
    const sets = asLabelSets(request.labels ?? defaultLabelSets());
    const all = [...new Set(Object.values(sets).flat())];
    if (all.length === 0) throw new InvalidInputError('There are no labels to compare the image with. Add some, or restore the defaults.');
    const imageEmbedding = await this.imageEmbedding(image, request);
    const embeddings = await this.textEmbeddings(all, request);
    throwIfAborted(request.signal);
    const byText = new Map(all.map((text, i) => [text, embeddings[i]!]));
    const result: InterrogationResult = {};
    if (request.rank) {
      result.rank = {};
      for (const [name, list] of Object.entries(sets)) {
        if (list.length === 0) continue;
        result.rank[name] = rankLabels([imageEmbedding], list, list.map((text) => byText.get(text)!), request.topCount ?? 2);
      }
    }
    if (request.similarity) result.similarity = similarityLabels(imageEmbedding, all, all.map((text) => byText.get(text)!));
    return result;
  }
}
