// PNG text chunks and A1111's `parameters` text: what the gallery embeds in every downloaded PNG,
// and what the Generate page reads from a dropped one (parametersFromPng).
import { isPng } from './chunks.ts';
import { formatParameters, parseParameters, type GenerationParameters } from './parameters.ts';
import { getPngText, setPngText } from './text.ts';

export { isPng, pngSize, readPngChunks, rewritePng, type PngChunk } from './chunks.ts';
export { formatParameters, parseParameters, type GenerationParameters } from './parameters.ts';
export { samplerFromA1111, samplerToA1111 } from './samplers.ts';
export { decodeTextChunk, encodeTextChunk, getPngText, readPngText, setPngText, type PngText } from './text.ts';

/** The keyword A1111 (and Forge, SD.Next, ComfyUI's A1111 export) writes its settings under. */
export const PARAMETERS_KEYWORD = 'parameters';

function bytesOf(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  return input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * The generation settings a PNG carries in its `parameters` text, or null when it is not a PNG,
 * has no such text, or the text is damaged (CRC mismatch). Never throws: a dropped file that is
 * not ours is simply not a source of parameters.
 */
export function parametersFromPng(input: ArrayBuffer | ArrayBufferView): GenerationParameters | null {
  const bytes = bytesOf(input);
  if (!isPng(bytes)) return null;
  try {
    const text = getPngText(bytes, PARAMETERS_KEYWORD);
    return text === null ? null : parseParameters(text);
  } catch {
    return null;
  }
}

/** A copy of `png` with `params` as its `parameters` text (replacing any there). */
export function withParameters(png: ArrayBuffer | ArrayBufferView, params: GenerationParameters): Uint8Array<ArrayBuffer> {
  return setPngText(bytesOf(png), { [PARAMETERS_KEYWORD]: formatParameters(params) });
}
