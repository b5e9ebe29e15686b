// The image and tensor helpers in one import: `import { decodeImage, clipPreprocess } from '../shared/image/index.ts'`.
export * from './types.ts';
export { FORMAT_NAMES, MIME_TYPES, orientedSize, type ImageFormat, type ImageHeader } from './header.ts';
export { describeNonImage, identifyImageFormat, sniffImage, SUPPORTED_FORMATS_TEXT } from './sniff.ts';
export * from './limits.ts';
export * from './decode.ts';
export { bitmapToRgba, type ReadbackOptions, type ReadbackPath } from './readback.ts';
export * from './encode.ts';
export { encodePng, encodePngBytes } from './encode-png.ts';
export * from './resize.ts';
export { axisWeights, keysCubic, triangle, type AxisWeights } from './resize-weights.ts';
export * from './normalize.ts';
export * from './crop.ts';
export * from './preprocess.ts';
export * from './alpha.ts';
