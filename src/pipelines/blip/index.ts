// BLIP captioning: the vision encoder, then greedy, beam or nucleus decoding of the text decoder.
export { BLIP_IO, BLIP_PROMPT, BLIP_TOKENS, caption, captionSettings, decoderStep, encodeImage, promptIds } from './caption.ts';
export type { BlipIoNames, BlipModel, BlipTokens, Caption, CaptionOptions } from './caption.ts';
export { generate, settingsFrom } from './generate.ts';
export { mulberry32 } from './random.ts';
export { CAPTION_PRESETS, HORDE_CAPTION, NATAILI_BEAM, NATAILI_SAMPLE } from './types.ts';
export type { CaptionPreset, DecodeMethod, DecoderStep, Generated, GenerationOptions } from './types.ts';
