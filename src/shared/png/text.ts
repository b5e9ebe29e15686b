// PNG text chunks (PNG spec §11.3.4): tEXt (Latin-1), zTXt (Latin-1, zlib) and iTXt (UTF-8,
// optionally zlib). Written the way Pillow writes them, which is what A1111 and most tools read:
// tEXt when the text fits Latin-1, iTXt (uncompressed) otherwise.
import { unzlibSync } from 'fflate';
import { InvalidInputError } from '../errors.ts';
import { encodeChunk, readPngChunks, rewritePng, type PngChunk } from './chunks.ts';

export interface PngText {
  keyword: string;
  text: string;
}

const TEXT_TYPES = new Set(['tEXt', 'zTXt', 'iTXt']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function latin1Decode(bytes: Uint8Array): string {
  // TextDecoder's 'latin1' is windows-1252, which remaps 0x80–0x9F; PNG means ISO 8859-1.
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const fitsLatin1 = (text: string): boolean => [...text].every((char) => char.codePointAt(0)! <= 0xff);

function nul(data: Uint8Array, from: number): number {
  const at = data.indexOf(0, from);
  if (at < 0) throw new InvalidInputError('A PNG text chunk lacks the NUL byte that ends its keyword.');
  return at;
}

function inflate(bytes: Uint8Array, keyword: string): Uint8Array {
  try {
    return unzlibSync(bytes);
  } catch (cause) {
    throw new InvalidInputError(`The compressed PNG text "${keyword}" could not be inflated; the file is damaged.`, { cause });
  }
}

/** The keyword and text of a tEXt, zTXt or iTXt chunk; null for any other chunk. */
export function decodeTextChunk(chunk: PngChunk): PngText | null {
  if (!TEXT_TYPES.has(chunk.type)) return null;
  const { data } = chunk;
  const end = nul(data, 0);
  const keyword = latin1Decode(data.subarray(0, end));
  if (chunk.type === 'tEXt') return { keyword, text: latin1Decode(data.subarray(end + 1)) };
  if (chunk.type === 'zTXt') return { keyword, text: latin1Decode(inflate(data.subarray(end + 2), keyword)) };
  // iTXt: keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, text.
  const compressed = data[end + 1] === 1;
  const languageEnd = nul(data, end + 3);
  const translatedEnd = nul(data, languageEnd + 1);
  const body = data.subarray(translatedEnd + 1);
  try {
    return { keyword, text: utf8.decode(compressed ? inflate(body, keyword) : body) };
  } catch (cause) {
    if (cause instanceof InvalidInputError) throw cause;
    throw new InvalidInputError(`The PNG text "${keyword}" is not valid UTF-8; the file is damaged.`, { cause });
  }
}

function checkKeyword(keyword: string): void {
  // Spec: 1–79 Latin-1 characters, no leading, trailing or doubled spaces, no NUL.
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) {
    throw new InvalidInputError(`"${keyword}" cannot be a PNG text keyword: use 1–79 Latin-1 letters without leading or trailing spaces.`);
  }
}

/** A tEXt chunk when the text fits Latin-1, else an uncompressed iTXt chunk, as Pillow writes. */
export function encodeTextChunk(keyword: string, text: string): Uint8Array {
  checkKeyword(keyword);
  // A NUL would end the text early for every reader; prompts never mean one.
  const clean = text.replaceAll('\0', '');
  const key = latin1Encode(keyword);
  if (fitsLatin1(clean)) {
    const body = latin1Encode(clean);
    const data = new Uint8Array(key.length + 1 + body.length);
    data.set(key);
    data.set(body, key.length + 1);
    return encodeChunk('tEXt', data);
  }
  const body = new TextEncoder().encode(clean);
  // keyword NUL, flag 0, method 0, empty language NUL, empty translated keyword NUL.
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key);
  data.set(body, key.length + 5);
  return encodeChunk('iTXt', data);
}

/**
 * Every text entry of `png`, in file order. Chunks that fail their CRC or cannot be decoded are
 * left out: damaged text must not fill a form. A keyword may appear more than once.
 */
export function readPngText(png: Uint8Array): PngText[] {
  const out: PngText[] = [];
  for (const chunk of readPngChunks(png)) {
    if (!chunk.crcOk || !TEXT_TYPES.has(chunk.type)) continue;
    try {
      const entry = decodeTextChunk(chunk);
      if (entry) out.push(entry);
    } catch {
      // One damaged text chunk must not hide the others.
    }
  }
  return out;
}

/** The text under `keyword`; the last one wins when repeated, as Pillow's `info` dict does. */
export function getPngText(png: Uint8Array, keyword: string): string | null {
  let found: string | null = null;
  for (const entry of readPngText(png)) if (entry.keyword === keyword) found = entry.text;
  return found;
}

/**
 * A new PNG with `entries` as text chunks before IEND; earlier text chunks under the same
 * keywords are dropped, so writing twice does not leave two answers. Other chunks stay as they were.
 */
export function setPngText(png: Uint8Array, entries: Readonly<Record<string, string>>): Uint8Array<ArrayBuffer> {
  const keywords = new Set(Object.keys(entries));
  const added = Object.entries(entries).map(([keyword, text]) => encodeTextChunk(keyword, text));
  return rewritePng(png, added, (chunk) => {
    if (!TEXT_TYPES.has(chunk.type)) return true;
    const end = chunk.data.indexOf(0);
    return !keywords.has(latin1Decode(chunk.data.subarray(0, end < 0 ? chunk.data.length : end)));
  });
}
