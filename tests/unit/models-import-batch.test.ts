// One drop holding a catalog and the model it lists, the model's own .json files included
// (BLIP's config.json, tokenizer_config.json): only what has a catalog's shape is read as a
// catalog; every other .json goes with the model files. Through the models worker's store (what
// the Models page calls) and the super manager.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createIdbCache } from '../../src/managers/cache.ts';
import { looksLikeCatalog } from '../../src/managers/catalog/validate.ts';
import { sha256Hex } from '../../src/managers/hasher.ts';
import { SuperModelManager } from '../../src/managers/super.ts';
import { ModelStore } from '../../src/workers/models/store.ts';
import type { ModelFileSource } from '../../src/workers/models/types.ts';
import { uniqueName } from '../servers/fixtures.ts';

const encoder = new TextEncoder();

// A model's own JSON files, as BLIP exports ship them: neither has a catalog's shape.
const configJson = JSON.stringify({
  architectures: ['BlipForConditionalGeneration'],
  model_type: 'blip',
  text_config: { vocab_size: 30524, hidden_size: 768, model_type: 'blip_text_model' },
  vision_config: { image_size: 384, patch_size: 16, model_type: 'blip_vision_model' },
});
const tokenizerConfigJson = JSON.stringify({ do_lower_case: true, model_max_length: 512, tokenizer_class: 'BertTokenizer', model: { type: 'WordPiece', vocab: { '[PAD]': 0 } } });
const onnxBytes: Uint8Array<ArrayBuffer> = new Uint8Array(5000).map((_, index) => (index * 7 + 3) & 0xff);

async function blipLike(name: string) {
  const download = async (file_name: string, file_path: string, bytes: Uint8Array) => ({
    file_name,
    file_path,
    file_url: `https://example.invalid/${name}/${file_name}`,
    precision: 'fp32',
    size: bytes.length,
    sha256: await sha256Hex(bytes),
  });
  return {
    name,
    type: 'blip',
    description: 'a BLIP export of my own',
    version: '1',
    nsfw: false,
    baseline: 'blip',
    config: {
      files: [
        { path: 'model', kind: 'onnx', inputs: ['pixel_values'], outputs: ['logits'] },
        { path: 'config', kind: 'json' },
        { path: 'tokenizer_config', kind: 'json' },
      ],
      download: [
        await download('blip_large.onnx', 'model', onnxBytes),
        await download('config.json', 'config', encoder.encode(configJson)),
        await download('tokenizer_config.json', 'tokenizer_config', encoder.encode(tokenizerConfigJson)),
      ],
    },
  };
}

function source(text: string | Uint8Array<ArrayBuffer>, path: string): ModelFileSource {
  const file = new File([text], path.slice(path.lastIndexOf('/') + 1));
  return { file, name: file.name, path };
}

async function drop(name: string, catalogFirst: boolean) {
  const catalog = source(JSON.stringify({ [name]: await blipLike(name) }), `${name}/my-models.json`);
  const model = [source(onnxBytes, `${name}/blip_large.onnx`), source(configJson, `${name}/config.json`), source(tokenizerConfigJson, `${name}/tokenizer_config.json`)];
  return catalogFirst ? [catalog, ...model] : [...model, catalog];
}

describe('importing a model together with its catalog', () => {
  for (const catalogFirst of [true, false]) {
    it(`reads only the catalog as a catalog and stores the model's own .json files (catalog ${catalogFirst ? 'first' : 'last'})`, async () => {
      const name = uniqueName('batch');
      const store = new ModelStore(createIdbCache(name));
      const result = await store.importFiles(await drop(name, catalogFirst), false, {});
      expect(result.catalogs).toEqual([{ source: `${name}/my-models.json`, added: [name], errors: [] }]);
      expect(result.rejected).toEqual([]);
      expect(result.stored.map((item) => item.fileName).sort()).toEqual(['blip_large.onnx', 'config.json', 'tokenizer_config.json']);
      expect(result.completed).toEqual([{ model: name, precision: 'fp32' }]);
      expect((await store.list()).catalogs.map((catalog) => catalog.source)).toEqual([`${name}/my-models.json`]);
    });
  }

  it('reports a broken catalog as a catalog, and a stray .json as a file that matches no model', async () => {
    const name = uniqueName('broken');
    const store = new ModelStore(createIdbCache(name));
    const broken = source(JSON.stringify({ [name]: { name, type: 'nope', config: { files: [], download: [] } } }), 'broken.json');
    const stray = source(JSON.stringify({ version: '1.0', added_tokens: [], model: { type: 'BPE' } }), 'notes.json');
    const result = await store.importFiles([broken, stray], false, {});
    expect(result.catalogs).toEqual([{ source: 'broken.json', added: [], errors: [expect.stringMatching(/type must be one of/)] }]);
    expect(result.rejected).toEqual([{ name: 'notes.json', reason: expect.stringMatching(/notes\.json .*matches no file of the catalog/) }]);
  });

  it('the super manager sorts the same way', async () => {
    const name = uniqueName('super-batch');
    const sm = new SuperModelManager({ cache: createIdbCache(name), storage: null });
    const report = await sm.importFiles(await drop(name, false));
    expect(report.catalogs.map((load) => [load.entries.map((entry) => entry.name), load.errors])).toEqual([[[name], []]]);
    expect(report.rejected).toEqual([]);
    expect(report.completed).toEqual([{ model: name, precision: 'fp32' }]);
  });
});

describe('looksLikeCatalog', () => {
  it('knows a catalog by its entries (keyed by name or listed), not by its file name', () => {
    const entry = { name: 'x', type: 'esrgan', config: { files: [], download: [] } };
    expect(looksLikeCatalog({ x: entry })).toBe(true);
    expect(looksLikeCatalog([entry])).toBe(true);
    // One entry with a catalog's shape is enough: the broken ones are then reported by name.
    expect(looksLikeCatalog({ x: entry, y: { name: 'y' } })).toBe(true);
    for (const json of [configJson, tokenizerConfigJson]) expect(looksLikeCatalog(JSON.parse(json))).toBe(false);
    for (const other of [{}, [], null, 'catalog', 3, { config: { files: [] } }, { x: { config: 'files' } }]) expect(looksLikeCatalog(other)).toBe(false);
  });
});
