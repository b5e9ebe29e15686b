// CLIP / OpenCLIP: embeddings, interrogation (nataili's Interrogator), their cache and label sets.
export { IdbEmbeddingCache, MemoryEmbeddingCache, pixelKey, textKey } from './cache.ts';
export type { EmbeddingCache } from './cache.ts';
export { CLIP_IO, embedImages, embedPixelTensors, embedTexts, OPENAI_CLIP_TEXT, OPENCLIP_TEXT } from './embed.ts';
export type { ClipIoNames, ClipModel, ClipTextConfig, EmbedOptions, ModelRun } from './embed.ts';
export { asLabelSets, Interrogator } from './interrogate.ts';
export type { InterrogateOptions, InterrogationRequest, InterrogationResult, LabelSets, RankOptions } from './interrogate.ts';
export { defaultLabelSets, LABEL_SET_NAMES, parseLabelList } from './labels/index.ts';
export type { LabelSetName } from './labels/index.ts';
export { CLIP_LOGIT_SCALE, dot, l2Normalize, labelProbabilities, rankLabels, similarityLabels, softmax, topK } from './math.ts';
export type { RankEntry, SimilarityEntry } from './math.ts';
export { BLIP_IMAGE_CONFIG, CLIP_IMAGE_CONFIG, centerCrop, imageConfigFromJson, prepareImage, preprocessImages, shortestEdgeSize } from './preprocess.ts';
export type { ImageProcessorConfig } from './preprocess.ts';
