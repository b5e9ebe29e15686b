// Import-only catalog entries: models no one publishes (OpenCLIP CoCa has no public ONNX export).
// The entry names no URL, says how to make the files, is refused for download with that message,
// is shown as such on the Models page, and becomes available when its files are imported.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { BaseModelManager } from '../../src/managers/base.ts';
import { createIdbCache } from '../../src/managers/cache.ts';
import { bundledCatalog } from '../../src/managers/catalog/index.ts';
import { MODEL_TYPES } from '../../src/managers/catalog/schema.ts';
import { validateCatalog } from '../../src/managers/catalog/validate.ts';
import { COCA_IO } from '../../src/pipelines/clip/coca.ts';
import { describeModel } from '../../src/workers/models/describe.ts';
import { uniqueName } from '../servers/fixtures.ts';

const INSTRUCTIONS = 'Export it with scripts/export/coca_onnx.py, then import vision.onnx.';

function importOnly(name = 'mine'): Record<string, unknown> {
  return {
    name,
    type: 'clip',
    description: 'an export of my own',
    version: '1',
    nsfw: false,
    import_only: { instructions: INSTRUCTIONS },
    config: {
      files: [{ path: 'vision_model', kind: 'onnx', inputs: ['pixel_values'], outputs: ['image_embeds'] }],
      download: [{ file_name: 'vision.onnx', file_path: 'vision_model', precision: 'fp32', size: null, sha256: null, unverified: true }],
    },
  };
}

function errorsOf(entry: Record<string, unknown>): string[] {
  return validateCatalog({ [entry.name as string]: entry }, 'test').errors.map((error) => error.message);
}

describe('import_only in the schema', () => {
  it('accepts an entry with instructions and no file_url', () => {
    const { entries, errors } = validateCatalog({ mine: importOnly() }, 'test');
    expect(errors).toEqual([]);
    expect(entries[0]!.import_only).toEqual({ instructions: INSTRUCTIONS });
    expect(entries[0]!.config.download[0]!.file_url).toBeUndefined();
  });

  it('rejects a URL on an import-only entry, a missing URL on any other, and empty instructions', () => {
    const withUrl = importOnly();
    (withUrl.config as { download: Record<string, unknown>[] }).download[0]!.file_url = 'models/coca/vision.onnx';
    expect(errorsOf(withUrl)).toEqual([expect.stringMatching(/config\.download\[0\]\.file_url must be left out: the entry is import_only/)]);
    const { import_only: _, ...downloadable } = importOnly();
    expect(errorsOf(downloadable)).toEqual([expect.stringMatching(/config\.download\[0\]\.file_url is missing/)]);
    expect(errorsOf({ ...importOnly(), import_only: { instructions: ' ' } })).toEqual([expect.stringMatching(/import_only\.instructions must say how to get the files/)]);
    expect(errorsOf({ ...importOnly(), import_only: true })).toEqual([expect.stringMatching(/import_only must be an object/)]);
  });
});

describe('the bundled catalogs', () => {
  it('point only at files someone serves: relative URLs are the built-in models the app ships', () => {
    for (const type of MODEL_TYPES) {
      for (const entry of validateCatalog(bundledCatalog(type), type).entries) {
        for (const download of entry.config.download) {
          if (download.file_url === undefined) expect(entry.import_only).toBeDefined();
          else if (!/^https:\/\//.test(download.file_url)) expect(download.file_url).toBe(`models/builtin/${entry.name}.onnx`);
        }
      }
    }
  });

  it('CoCa is import-only: it says how to make both files, under the names the import looks for', () => {
    const coca = validateCatalog(bundledCatalog('clip'), 'clip').entries.find((entry) => entry.name === 'coca_ViT-L-14')!;
    expect(coca.import_only!.instructions).toContain('scripts/export/coca_onnx.py');
    for (const download of coca.config.download) {
      expect(download.file_url).toBeUndefined();
      expect(coca.import_only!.instructions).toContain(download.file_name);
    }
  });
});

describe('an import-only model in the manager and on the Models page', () => {
  it('is refused for download with the instructions, fetching nothing, and becomes available by import', async () => {
    const name = uniqueName('coca');
    const fetched: string[] = [];
    const coca = bundledCatalog('clip')['coca_ViT-L-14'] as Record<string, unknown>;
    const manager = new BaseModelManager('clip', { [name]: { ...coca, name } }, {
      cache: createIdbCache(name),
      storage: null,
      sessionFactory: async () => ({}),
      fetch: async (url) => {
        fetched.push(String(url));
        throw new Error('no network in this test');
      },
    });
    expect(manager.catalogErrors).toEqual([]);

    const shown = await describeModel(manager, manager.get(name)!);
    expect(shown.builtIn).toBe(false);
    expect(shown.importOnly).toEqual({
      instructions: expect.stringContaining('coca_onnx.py'),
      files: [
        { fileName: 'coca_vision_model.onnx', inputs: [COCA_IO.pixelValues], outputs: [COCA_IO.imageEmbeds, COCA_IO.imageTokens] },
        { fileName: 'coca_text_decoder.onnx', inputs: [COCA_IO.inputIds, COCA_IO.decoderImageTokens], outputs: [COCA_IO.logits] },
      ],
    });

    const refusal = manager.download(name, { acceptUnverified: true });
    await expect(refusal).rejects.toMatchObject({ name: 'ImportOnlyError', code: 'not-found' });
    await expect(refusal).rejects.toThrow(/cannot be downloaded: it is import-only .*scripts\/export\/coca_onnx\.py.*coca_vision_model\.onnx, coca_text_decoder\.onnx/);
    expect(fetched).toEqual([]);

    const files = ['coca_vision_model.onnx', 'coca_text_decoder.onnx'].map((file, index) => ({ file: new File([new Uint8Array(100 + index)], file), name: file, path: `coca_ViT-L-14/${file}` }));
    const report = await manager.importFiles(files, { acceptUnverified: true });
    expect(report.rejected).toEqual([]);
    expect(report.completed).toEqual([{ model: name, precision: 'fp32' }]);
    // Once imported, "download" has nothing left to do.
    await expect(manager.download(name)).resolves.toMatchObject({ model: name, precision: 'fp32', pinned: true });
    expect((await describeModel(manager, manager.get(name)!)).variants[0]!.stored).toBe(true);
    expect(fetched).toEqual([]);
  });
});
