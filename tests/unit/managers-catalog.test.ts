import { describe, expect, it } from 'vitest';
import builtin from '../../src/managers/catalog/builtin.json';
import { bundledCatalog } from '../../src/managers/catalog/index.ts';
import { MODEL_TYPES, variantsOf, type CatalogEntry } from '../../src/managers/catalog/schema.ts';
import { LIMITS, validateCatalog } from '../../src/managers/catalog/validate.ts';

function good(name = 'good'): Record<string, unknown> {
  return {
    name,
    type: 'esrgan',
    description: 'a model',
    version: '1',
    nsfw: false,
    config: {
      files: [{ path: 'model', kind: 'onnx', inputs: ['input'], outputs: ['output'] }],
      download: [{ file_name: 'model.onnx', file_path: 'model', file_url: 'https://example.org/model.onnx', precision: 'fp32', size: 10, sha256: 'a'.repeat(64) }],
    },
  };
}

/** An entry under test: loose enough to break in every way. */
interface Loose {
  [key: string]: unknown;
  config: { [key: string]: unknown; files: Record<string, unknown>[]; download: Record<string, unknown>[] };
}
type Mutate = (entry: Loose) => unknown;

/** Validates one mutated entry next to a good one; the good one must still load. */
function rejectOne(mutate: Mutate): string {
  const bad = good('bad') as Loose;
  mutate(bad);
  const result = validateCatalog({ bad, good: good('good') }, 'test');
  expect(result.entries.map((entry) => entry.name)).toEqual(['good']);
  expect(result.errors).toHaveLength(1);
  return result.errors[0]!.message;
}

describe('bundled catalogs', () => {
  it('every type has real entries, and every entry is valid', () => {
    let total = 0;
    for (const type of MODEL_TYPES) {
      const result = validateCatalog(bundledCatalog(type), type);
      expect(result.errors.map((error) => error.message)).toEqual([]);
      expect(result.entries.length).toBeGreaterThan(0);
      total += result.entries.length;
      for (const entry of result.entries) {
        expect(entry.type).toBe(type);
        expect(variantsOf(entry).length).toBeGreaterThan(0);
        for (const download of entry.config.download) {
          // Never a guessed hash: a missing one is marked unverified and says why.
          if (download.sha256 === null) {
            expect(download.unverified).toBe(true);
            expect(download.note).toBeTruthy();
          } else expect(download.sha256).toMatch(/^[0-9a-f]{64}$/);
        }
      }
    }
    expect(total).toBeGreaterThanOrEqual(15);
  });

  it('has the models the issue asks for', () => {
    const names = MODEL_TYPES.flatMap((type) => validateCatalog(bundledCatalog(type)).entries.map((entry) => entry.name));
    for (const name of ['ViT-B/32', 'ViT-L/14', 'BLIP', 'RealESRGAN_x4plus', 'RealESRGAN_x2plus', 'RealESRGAN_x4plus_anime_6B', 'GFPGAN', 'CodeFormers', 'YuNet', 'safety_checker', 'stable_diffusion', 'stable_diffusion_2.1_base', 'stable_diffusion_inpainting', 'MiDaS DPT-Hybrid']) {
      expect(names).toContain(name);
    }
  });

  it('SD 1.5 keeps the UNet weights as ONNX external data, pinned by their LFS hash', () => {
    const sd = validateCatalog(bundledCatalog('stable_diffusion')).entries.find((entry) => entry.name === 'stable_diffusion') as CatalogEntry;
    const data = sd.config.files.find((file) => file.kind === 'onnx_data');
    expect(data).toMatchObject({ data_for: 'unet', location: 'weights.pb' });
    const weights = sd.config.download.find((download) => download.file_path === 'unet_weights');
    expect(weights?.size).toBe(3438083840);
    expect(weights?.sha256).toMatch(/^339a499d/);
  });

  it('accepts the app-shipped models (relative URLs, licence) from builtin.json', () => {
    const result = validateCatalog(builtin, 'builtin');
    expect(result.errors.map((error) => error.message)).toEqual([]);
    expect(result.entries.length).toBe(Object.keys(builtin).length);
    for (const entry of result.entries) {
      expect(entry.config.download[0]!.file_url).not.toMatch(/^https?:/);
      expect(entry.license?.spdx).toBeTruthy();
    }
  });

  it('lets a shipped model win over a remote entry of the same name', () => {
    const esrgan = validateCatalog(bundledCatalog('esrgan')).entries;
    const anime = esrgan.find((entry) => entry.name === 'RealESRGAN_x4plus_anime_6B')!;
    expect(anime.config.download[0]!.file_url).toBe('models/builtin/RealESRGAN_x4plus_anime_6B.onnx');
    expect(anime.config.download[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('bad catalogs', () => {
  it.each([
    ['missing name', (e: Loose) => delete e.name, /"bad": name is missing/],
    ['missing type', (e) => delete e.type, /type must be one of/],
    ['missing config', (e) => delete (e as Record<string, unknown>).config, /config is missing/],
    ['missing description', (e) => delete e.description, /description is missing/],
    ['missing nsfw', (e) => delete e.nsfw, /nsfw is missing/],
    ['missing files', (e) => delete (e.config as Record<string, unknown>).files, /config\.files is missing/],
    ['empty downloads', (e) => (e.config.download = []), /config\.download must not be empty/],
    ['missing sha256', (e) => delete e.config.download[0]!.sha256, /config\.download\[0\]\.sha256 is missing/],
    ['missing size', (e) => delete e.config.download[0]!.size, /config\.download\[0\]\.size is missing/],
    ['missing onnx inputs', (e) => delete e.config.files[0]!.inputs, /config\.files\[0\]\.inputs is missing/],
  ] as [string, Mutate, RegExp][])('%s', (_label, mutate, message) => {
    expect(rejectOne(mutate)).toMatch(message);
  });

  it.each([
    ['nsfw as a string', (e: Loose) => (e.nsfw = 'no'), /"bad": nsfw must be true or false, not a string/],
    ['name as a number', (e) => (e.name = 7), /name must be a string, not a number/],
    ['size as a string', (e) => (e.config.download[0]!.size = '10'), /size must be a whole number of bytes/],
    ['fractional size', (e) => (e.config.download[0]!.size = 1.5), /size must be a whole number of bytes/],
    ['files as an object', (e) => ((e.config as Record<string, unknown>).files = {}), /config\.files must be a list, not an object/],
    ['trigger of numbers', (e) => (e.trigger = [1]), /trigger\[0\] must be a string/],
    ['bad precision', (e) => (e.config.download[0]!.precision = 'int4'), /precision must be one of fp32, fp16, q8/],
    ['bad backend', (e) => (e.config.download[0]!.backends = ['cuda']), /backends\[0\] must be one of webgpu, wasm/],
    ['bad sha256', (e) => (e.config.download[0]!.sha256 = 'xyz'), /sha256 must be 64 hex digits/],
    ['null sha256 without unverified', (e) => (e.config.download[0]!.sha256 = null), /sha256 is null, which is allowed only with "unverified": true/],
    ['unverified with a hash', (e) => (e.config.download[0]!.unverified = true), /unverified is true but a sha256 is given/],
    ['javascript: URL', (e) => (e.config.download[0]!.file_url = 'javascript:alert(1)'), /must be an http\(s\) URL/],
    ['URL climbing out of the app', (e) => (e.config.download[0]!.file_url = '../secret.onnx'), /is not a URL/],
    ['file_path not in files', (e) => (e.config.download[0]!.file_path = 'unet'), /file_path names "unet", which is not in config\.files/],
    ['path traversal in file_name', (e) => (e.config.download[0]!.file_name = '../x.onnx'), /file_name must be a plain relative name/],
    ['duplicate file path', (e) => e.config.files.push({ ...e.config.files[0] }), /config\.files\[1\]\.path repeats "model"/],
    ['onnx_data for nothing', (e) => e.config.files.push({ path: 'w', kind: 'onnx_data', data_for: 'none', location: 'w.pb' }), /data_for names "none"/],
    ['no complete variant', (e) => (e.config.download[0]!.precision = 'fp16') && e.config.files.push({ path: 'b', kind: 'json' }), /gives no precision in which every file/],
  ] as [string, Mutate, RegExp][])('wrong type: %s', (_label, mutate, message) => {
    expect(rejectOne(mutate)).toMatch(message);
  });

  it('rejects negative and absurd sizes', () => {
    expect(rejectOne((e) => (e.config.download[0]!.size = -5))).toMatch(/"bad": config\.download\[0\]\.size must not be negative \(-5\)/);
    expect(rejectOne((e) => (e.config.download[0]!.size = 2 ** 50))).toMatch(/more than the \d+ a file may have/);
  });

  it('rejects unknown model types, naming the type', () => {
    expect(rejectOne((e) => (e.type = 'llm'))).toMatch(/type must be one of clip, blip, .* not "llm"/);
  });

  it('rejects huge strings without echoing them', () => {
    const message = rejectOne((e) => (e.description = 'x'.repeat(1_000_000)));
    expect(message).toMatch(/description is 1000000 characters long; at most 4000 are allowed/);
    expect(message.length).toBeLessThan(300);
    const name = rejectOne((e) => (e.config.download[0]!.file_url = `https://example.org/${'a'.repeat(5000)}`));
    expect(name.length).toBeLessThan(300);
    // A huge name is cut in the label too.
    const result = validateCatalog([{ ...good(), name: 'n'.repeat(100_000) }], 'list');
    expect(result.errors[0]!.message.length).toBeLessThan(400);
  });

  it('rejects a key that disagrees with the name, and repeated names', () => {
    const result = validateCatalog({ other: good('good'), good: good('good') }, 'test');
    expect(result.errors.map((error) => error.message)).toEqual([expect.stringMatching(/"other": name is "good", but the entry is keyed "other"/)]);
    const list = validateCatalog([good('a'), good('a')], 'list');
    expect(list.entries).toHaveLength(1);
    expect(list.errors[0]!.message).toMatch(/repeats a model already in this catalog/);
  });

  it('rejects what is not a catalog at all, and caps the entry count', () => {
    for (const value of [null, 3, 'catalog', true]) {
      const result = validateCatalog(value, 'x.json');
      expect(result.entries).toEqual([]);
      expect(result.errors[0]!.message).toMatch(/x\.json: \(catalog\) must be an object keyed by model name or a list/);
    }
    const many = Array.from({ length: LIMITS.entries + 5 }, (_, index) => good(`m${index}`));
    const result = validateCatalog(many, 'many');
    expect(result.entries).toHaveLength(LIMITS.entries);
    expect(result.errors[0]!.message).toMatch(/only the first 1000 are read/);
  });

  it('entries that are not objects are rejected one by one', () => {
    const result = validateCatalog({ a: 1, b: [], c: null, good: good('good') }, 'test');
    expect(result.entries).toHaveLength(1);
    expect(result.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/"a": \(entry\) must be an object, not a number/),
      expect.stringMatching(/"b": \(entry\) must be an object, not a list/),
      expect.stringMatching(/"c": \(entry\) must be an object, not null/),
    ]);
  });
});
