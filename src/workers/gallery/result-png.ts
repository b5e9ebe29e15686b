// A result's PNG as the gallery keeps it: the image as PNG (converted when it came as pixels or
// another format) with text chunks a person's other tools can read — A1111's `parameters` for
// generation settings, `postprocessing` for an upscaler or restorer, `Description` for a caption —
// and one `nataili-web` chunk holding our own record (JSON), so a single downloaded PNG imports
// back into the gallery whole.

import { InvalidInputError } from '../../shared/errors.ts';
import { decodeImage } from '../../shared/image/decode.ts';
import { encodePngBytes } from '../../shared/image/encode-png.ts';
import { checkImageSize } from '../../shared/image/limits.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import { getPngText, isPng, parseParameters, pngSize, setPngText, formatParameters, PARAMETERS_KEYWORD, type GenerationParameters } from '../../shared/png/index.ts';
import type { NewResult, ProcessParameters, ResultKind } from './types.ts';

export const META_KEYWORD = 'nataili-web';
export const KINDS: readonly ResultKind[] = ['generate', 'upscale', 'restore', 'caption'];

/** Our record inside the PNG; the generation settings are not repeated (they are in `parameters`). */
export interface ResultMeta {
  id: string;
  kind: ResultKind;
  createdAt: number;
  text: string;
  process?: ProcessParameters;
}

const isRgba = (image: NewResult['image']): image is RgbaImage =>
  typeof image === 'object' && !(image instanceof Blob) && !(image instanceof ArrayBuffer) && !ArrayBuffer.isView(image) && 'data' in image;

/** The image as PNG bytes: PNG input byte for byte, pixels encoded, other formats decoded first. */
export async function toPngBytes(image: NewResult['image'], signal?: AbortSignal): Promise<Uint8Array> {
  if (isRgba(image)) return encodePngBytes(image);
  const bytes = image instanceof Blob ? new Uint8Array(await image.arrayBuffer()) : image instanceof ArrayBuffer ? new Uint8Array(image) : image;
  if (isPng(bytes)) return bytes;
  const { image: pixels } = await decodeImage(bytes, { signal });
  return encodePngBytes(pixels);
}

/** Width and height of a PNG, refused when the image is empty or too large to keep a thumbnail of. */
export function checkedSize(png: Uint8Array): { width: number; height: number } {
  const size = pngSize(png);
  checkImageSize(size.width, size.height);
  return size;
}

/** "Postprocess model: x, Upscale by: 4": A1111's style of settings line, values quoted as it quotes. */
function processText(process: ProcessParameters): string {
  const quote = (value: string) => (/[,\n:]/.test(value) ? JSON.stringify(value) : value);
  const pairs: [string, string][] = [['Postprocess model', process.model], ...Object.entries(process.settings ?? {}).map(([key, value]): [string, string] => [key, String(value)])];
  return pairs.map(([key, value]) => `${key}: ${quote(value)}`).join(', ');
}

/** The PNG with the result's text chunks. An existing `parameters` text meaning the same is kept verbatim. */
export function withResultText(png: Uint8Array, meta: ResultMeta, generation: GenerationParameters | undefined): Uint8Array<ArrayBuffer> {
  const entries: Record<string, string> = { [META_KEYWORD]: JSON.stringify(meta) };
  if (generation) {
    const existing = getPngText(png, PARAMETERS_KEYWORD);
    const same = existing !== null && JSON.stringify(parseParameters(existing)) === JSON.stringify(parseParameters(formatParameters(generation)));
    if (!same) entries[PARAMETERS_KEYWORD] = formatParameters(generation);
  }
  if (meta.process) entries.postprocessing = processText(meta.process);
  if (meta.kind === 'caption' && meta.text) entries.Description = meta.text;
  return setPngText(png, entries);
}

const MAX_TEXT = 100_000;

function validProcess(value: unknown): ProcessParameters | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { model, settings } = value as { model?: unknown; settings?: unknown };
  if (typeof model !== 'string' || model.length > 500) return undefined;
  const clean: Record<string, string | number | boolean> = {};
  if (typeof settings === 'object' && settings !== null) {
    for (const [key, entry] of Object.entries(settings)) {
      if (key.length <= 100 && (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean')) clean[key] = entry;
    }
  }
  return Object.keys(clean).length > 0 ? { model, settings: clean } : { model };
}

/**
 * A record read from a file someone handed in (an export's index.json or a PNG's `nataili-web`
 * text), checked field by field: anything malformed is dropped, never trusted.
 */
export function validMeta(value: unknown): Partial<ResultMeta> {
  if (typeof value !== 'object' || value === null) return {};
  const raw = value as Record<string, unknown>;
  const meta: Partial<ResultMeta> = {};
  if (typeof raw.id === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw.id)) meta.id = raw.id;
  if (typeof raw.kind === 'string' && (KINDS as readonly string[]).includes(raw.kind)) meta.kind = raw.kind as ResultKind;
  if (typeof raw.createdAt === 'number' && Number.isFinite(raw.createdAt) && raw.createdAt > 0) meta.createdAt = raw.createdAt;
  if (typeof raw.text === 'string') meta.text = raw.text.slice(0, MAX_TEXT);
  const process = validProcess(raw.process);
  if (process) meta.process = process;
  return meta;
}

/** Our record from a PNG's `nataili-web` text, validated; empty when absent or damaged. */
export function metaFromPng(png: Uint8Array): Partial<ResultMeta> {
  const text = getPngText(png, META_KEYWORD);
  if (text === null) return {};
  try {
    return validMeta(JSON.parse(text));
  } catch {
    return {};
  }
}

export function checkKind(kind: unknown): ResultKind {
  if (typeof kind === 'string' && (KINDS as readonly string[]).includes(kind)) return kind as ResultKind;
  throw new InvalidInputError(`A gallery result's kind must be one of ${KINDS.join(', ')}; got ${String(kind)}.`);
}
