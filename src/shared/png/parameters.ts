// A1111's `parameters` text, the de-facto standard for a generated PNG's settings:
//
//   a prompt, possibly on several lines
//   Negative prompt: what to avoid
//   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 512x512, Model: v1-5
//
// Port of A1111 modules/infotext_utils.py (parse_generation_parameters, quote/unquote) and
// processing.py create_infotext: values holding ",", ":" or a newline are JSON-quoted; the last
// line counts as settings only when it holds at least three "Key: value" pairs.
import { samplerFromA1111, samplerToA1111 } from './samplers.ts';

export interface GenerationParameters {
  prompt: string;
  /** Empty when there is none. */
  negativePrompt: string;
  steps?: number;
  /** nataili's name (k_euler_a, k_dpmpp_2m_karras, DDIM); an unknown sampler stays in `extra` as "Sampler". */
  sampler?: string;
  cfgScale?: number;
  /** A number; nataili also accepts text seeds (hashed), kept as text. */
  seed?: number | string;
  width?: number;
  height?: number;
  model?: string;
  modelHash?: string;
  denoisingStrength?: number;
  clipSkip?: number;
  /** Every other setting, in order, as written (A1111 writes many: "Hires upscale", "Lora hashes", "Version"…). */
  extra: [key: string, value: string][];
}

// Python's \w is Unicode-aware; \p{L}\p{N}_ is the same set for our purpose.
const PARAM = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;
const SIZE = /^(\d+)x(\d+)$/;
const NEGATIVE = 'Negative prompt:';

function quote(value: string): string {
  return /[,\n:]/.test(value) ? JSON.stringify(value) : value;
}

function unquote(value: string): string {
  if (!(value.startsWith('"') && value.endsWith('"') && value.length >= 2)) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

function pairsOf(line: string): [string, string][] {
  return [...line.matchAll(PARAM)].map((match) => [match[1]!.trim(), unquote(match[2]!.trim())]);
}

/** A finite number from text, or undefined (the text then stays in `extra`). */
function numberOf(text: string, integer: boolean): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) return undefined;
  return value;
}

/** Reads A1111's text. Never throws: text it cannot place stays in the prompt or in `extra`. */
export function parseParameters(text: string): GenerationParameters {
  const lines = text.trim().split('\n');
  let last = lines.pop() ?? '';
  if (pairsOf(last).length < 3) {
    lines.push(last);
    last = '';
  }
  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith(NEGATIVE)) {
      inNegative = true;
      line = line.slice(NEGATIVE.length).trim();
    }
    (inNegative ? negative : prompt).push(line);
  }
  const result: GenerationParameters = { prompt: prompt.join('\n'), negativePrompt: negative.join('\n'), extra: [] };
  const pairs = pairsOf(last);
  const scheduleType = pairs.find(([key]) => key === 'Schedule type')?.[1];
  for (const [key, value] of pairs) {
    if (!place(result, key, value, scheduleType)) result.extra.push([key, value]);
  }
  // "Schedule type: Karras" went into the sampler's "_karras" when the sampler is one of ours.
  if (result.sampler?.endsWith('_karras')) result.extra = result.extra.filter(([key, value]) => !(key === 'Schedule type' && value.toLowerCase() === 'karras'));
  return result;
}

/** Puts a known key into its field; false when the key is not ours or its value does not parse. */
function place(result: GenerationParameters, key: string, value: string, scheduleType: string | undefined): boolean {
  switch (key) {
    case 'Steps':
      return (result.steps = numberOf(value, true)) !== undefined;
    case 'CFG scale':
      return (result.cfgScale = numberOf(value, false)) !== undefined;
    case 'Denoising strength':
      return (result.denoisingStrength = numberOf(value, false)) !== undefined;
    case 'Clip skip':
      return (result.clipSkip = numberOf(value, true)) !== undefined;
    case 'Seed':
      result.seed = numberOf(value, true) ?? value;
      return true;
    case 'Model':
      result.model = value;
      return true;
    case 'Model hash':
      result.modelHash = value;
      return true;
    case 'Size': {
      const match = SIZE.exec(value);
      if (!match) return false;
      result.width = Number(match[1]);
      result.height = Number(match[2]);
      return true;
    }
    case 'Sampler': {
      const sampler = samplerFromA1111(value, scheduleType);
      if (sampler) result.sampler = sampler;
      return sampler !== null;
    }
    default:
      return false;
  }
}

/** A1111's text for `params`, in A1111's order, known fields first and `extra` after. */
export function formatParameters(params: GenerationParameters): string {
  const fields: [string, string | number | undefined][] = [
    ['Steps', params.steps],
    ['Sampler', params.sampler === undefined ? undefined : (samplerToA1111(params.sampler) ?? params.sampler)],
    ['CFG scale', params.cfgScale],
    ['Seed', params.seed],
    ['Size', params.width !== undefined && params.height !== undefined ? `${params.width}x${params.height}` : undefined],
    ['Model hash', params.modelHash],
    ['Model', params.model],
    ['Denoising strength', params.denoisingStrength],
    ['Clip skip', params.clipSkip],
    ...params.extra,
  ];
  const settings = fields
    .filter((field): field is [string, string | number] => field[1] !== undefined && field[1] !== '')
    .map(([key, value]) => `${key}: ${quote(String(value))}`)
    .join(', ');
  const negative = params.negativePrompt ? `\n${NEGATIVE} ${params.negativePrompt}` : '';
  return `${params.prompt}${negative}\n${settings}`.trim();
}
