// The CLIP+MLP aesthetic predictor (inference; training comes with the training pipeline).
export { AestheticMlp } from './mlp.ts';
export type { DenseLayer, MlpOptions, PredictorArchitecture } from './mlp.ts';
export { readSafetensors, SAFETENSORS_DTYPES, toFloat32 } from './safetensors.ts';
export type { Safetensors, SafetensorsDtype, SafeTensor } from './safetensors.ts';
export { aestheticScore, scoreEmbedding } from './score.ts';
export type { AestheticScore } from './score.ts';
