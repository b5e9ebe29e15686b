// The Stable Diffusion safety checker: diffusers' ONNX graph (checker.ts) or its concept math on
// CLIP image embeddings (concepts.ts). Generation calls checkSafety on every decoded image.
export { blackLike, checkSafety, imagesInput, isUnsafe, SAFETY_IO } from './checker.ts';
export type { SafetyIoNames, SafetyModel, SafetyOptions, SafetyResult } from './checker.ts';
export { conceptsFromJson, conceptVerdict } from './concepts.ts';
export type { ConceptVerdict, SafetyConcepts } from './concepts.ts';
