// PNG chunks and text chunks against files built byte by byte (png-builders.ts, CRCs by zlib).
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { encodeTextChunk, getPngText, parametersFromPng, pngSize, readPngChunks, readPngText, setPngText, withParameters } from '../../src/shared/png/index.ts';
import { IDAT, IEND, IHDR, ascii, chunk, iTXt, png, tEXt, typesOf, u32 } from './png-builders.ts';

describe('PNG chunks', () => {
  it('lists every chunk to IEND with its CRC checked, ignoring bytes after IEND', () => {
    const file = Uint8Array.from([...png(IHDR, tEXt('Title', 'cat'), IDAT, IEND), 1, 2, 3]);
    const chunks = readPngChunks(file);
    expect(chunks.map((c) => [c.type, c.data.length, c.crcOk])).toEqual([
      ['IHDR', 13, true],
      ['tEXt', 9, true],
      ['IDAT', 20, true],
      ['IEND', 0, true],
    ]);
    expect(chunks[0]!.offset).toBe(8);
    expect(pngSize(file)).toEqual({ width: 2, height: 1 });
  });

  it('refuses a file that is not a PNG, and one cut short', () => {
    expect(() => readPngChunks(Uint8Array.from(ascii('GIF89a......')))).toThrow(InvalidInputError);
    const whole = png(IHDR, IDAT, IEND);
    expect(() => readPngChunks(whole.subarray(0, whole.length - 5))).toThrow(/cut short/);
    expect(() => pngSize(Uint8Array.from([...png(chunk('IHDR', [...u32(2), ...u32(1), 8, 6, 0, 0, 0], { badCrc: true }))]))).toThrow(/IHDR/);
  });

  it('marks a chunk whose CRC does not match, and its text is not trusted', () => {
    const file = png(IHDR, tEXt('parameters', 'a cat\nSteps: 5, Seed: 1, Size: 2x1', { badCrc: true }), tEXt('Title', 'ok'), IDAT, IEND);
    expect(readPngChunks(file).map((c) => c.crcOk)).toEqual([true, false, true, true, true]);
    expect(readPngText(file)).toEqual([{ keyword: 'Title', text: 'ok' }]);
    expect(parametersFromPng(file)).toBeNull();
  });
});

describe('PNG text chunks', () => {
  it('writes tEXt byte for byte as the spec lays it out', () => {
    const expected = chunk('tEXt', [...ascii('parameters'), 0, ...ascii('a cat, 4k')]);
    expect([...encodeTextChunk('parameters', 'a cat, 4k')]).toEqual(expected);
  });

  it('writes Latin-1 beyond ASCII as tEXt (0x80–0x9F untouched) and anything wider as iTXt', () => {
    const latin = 'caf\u00e9 \u0085 \u00ff';
    const t = encodeTextChunk('k', latin);
    expect(String.fromCharCode(...t.subarray(4, 8))).toBe('tEXt');
    expect([...t.subarray(10, 10 + latin.length)]).toEqual([...latin].map((c) => c.charCodeAt(0)));
    const wide = 'un chat 猫 🐈';
    const i = encodeTextChunk('parameters', wide);
    // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8.
    expect([...i]).toEqual(chunk('iTXt', [...ascii('parameters'), 0, 0, 0, 0, 0, ...new TextEncoder().encode(wide)]));
    const file = png(IHDR, [...t], [...i], IDAT, IEND);
    expect(readPngText(file)).toEqual([
      { keyword: 'k', text: latin },
      { keyword: 'parameters', text: wide },
    ]);
  });

  it('reads zTXt and compressed iTXt (zlib), and a language-tagged iTXt', () => {
    const file = png(
      IHDR,
      chunk('zTXt', [...ascii('Comment'), 0, 0, ...deflateSync(Buffer.from('squeezed, latin'))]),
      iTXt('parameters', deflateSync(Buffer.from('猫\nSteps: 3, Seed: 9, Size: 2x1', 'utf8')), true),
      iTXt('Title', new TextEncoder().encode('tagged')),
      IDAT,
      IEND,
    );
    expect(readPngText(file)).toEqual([
      { keyword: 'Comment', text: 'squeezed, latin' },
      { keyword: 'parameters', text: '猫\nSteps: 3, Seed: 9, Size: 2x1' },
      { keyword: 'Title', text: 'tagged' },
    ]);
    expect(parametersFromPng(file)).toMatchObject({ prompt: '猫', steps: 3, seed: 9, width: 2, height: 1 });
  });

  it('skips a damaged compressed chunk but keeps the rest', () => {
    const file = png(IHDR, chunk('zTXt', [...ascii('Comment'), 0, 0, 1, 2, 3]), tEXt('Title', 'fine'), IDAT, IEND);
    expect(readPngText(file)).toEqual([{ keyword: 'Title', text: 'fine' }]);
  });

  it('inserts text before IEND, replaces the same keyword, and leaves every other chunk byte-identical', () => {
    const original = png(IHDR, tEXt('parameters', 'old'), tEXt('Software', 'x'), IDAT, IEND);
    const updated = setPngText(original, { parameters: 'new prompt\nSteps: 1, Seed: 2, Size: 2x1' });
    expect(typesOf(updated)).toEqual(['IHDR', 'tEXt', 'IDAT', 'tEXt', 'IEND']);
    expect(getPngText(updated, 'parameters')).toBe('new prompt\nSteps: 1, Seed: 2, Size: 2x1');
    expect(getPngText(updated, 'Software')).toBe('x');
    const idat = Uint8Array.from(IDAT);
    expect(Buffer.from(updated).includes(Buffer.from(idat))).toBe(true);
    // The file ends in the standard IEND chunk: length 0, "IEND", CRC AE 42 60 82.
    expect([...updated.subarray(-12)]).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('takes the last of repeated keywords, as Pillow does', () => {
    expect(getPngText(png(IHDR, tEXt('k', 'one'), tEXt('k', 'two'), IDAT, IEND), 'k')).toBe('two');
  });

  it('refuses to write on a damaged file and refuses bad keywords', () => {
    const damaged = png(IHDR, chunk('IDAT', [1, 2, 3], { badCrc: true }), IEND);
    expect(() => setPngText(damaged, { parameters: 'x' })).toThrow(/IDAT chunk fails its CRC/);
    expect(() => encodeTextChunk('', 'x')).toThrow(InvalidInputError);
    expect(() => encodeTextChunk(' lead', 'x')).toThrow(InvalidInputError);
    expect(() => encodeTextChunk('k'.repeat(80), 'x')).toThrow(InvalidInputError);
  });

  it('round-trips parameters through a PNG, and ignores what is not a PNG', () => {
    const params = { prompt: 'a cat', negativePrompt: 'dog', steps: 20, sampler: 'k_euler_a', cfgScale: 7, seed: 1234, width: 2, height: 1, model: 'sd-1.5', extra: [] };
    const file = withParameters(png(IHDR, IDAT, IEND), params);
    expect(getPngText(file, 'parameters')).toBe('a cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 2x1, Model: sd-1.5');
    expect(parametersFromPng(file)).toEqual(params);
    expect(parametersFromPng(file.buffer)).toEqual(params);
    expect(parametersFromPng(Uint8Array.from(ascii('not a png at all')))).toBeNull();
    expect(parametersFromPng(png(IHDR, IDAT, IEND))).toBeNull();
  });
});
