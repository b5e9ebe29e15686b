// The CoCa and aesthetic-predictor catalog entries, and the 'bytes' file kind that carries the
// predictor's safetensors through the managers: imported, hashed, stored and handed back as is.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { BaseModelManager } from '../../src/managers/base.ts';
import { createIdbCache } from '../../src/managers/cache.ts';
import { bundledCatalog } from '../../src/managers/catalog/index.ts';
import { variantsOf } from '../../src/managers/catalog/schema.ts';
import { validateCatalog } from '../../src/managers/catalog/validate.ts';
import { sha256Hex } from '../../src/managers/hasher.ts';
import { COCA_IO } from '../../src/pipelines/clip/coca.ts';
import { AestheticMlp } from '../../src/pipelines/predictor/mlp.ts';
import { layoutWeights, natailiMlp, stateDict, writeSafetensors } from './predictor-fixtures.ts';

describe('bundled CLIP catalog', () => {
  const { entries, errors } = validateCatalog(bundledCatalog('clip'), 'clip');

  it('validates, with the CoCa and predictor entries in it', () => {
    expect(errors.map((error) => error.message)).toEqual([]);
    expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['ViT-L/14', 'coca_ViT-L-14', 'aesthetic-predictor-L14']));
  });

  it('CoCa names the graphs and the input/output names the pipeline uses', () => {
    const coca = entries.find((entry) => entry.name === 'coca_ViT-L-14')!;
    expect(coca.config.files.map((file) => [file.path, file.inputs, file.outputs])).toEqual([
      ['vision_model', [COCA_IO.pixelValues], [COCA_IO.imageEmbeds, COCA_IO.imageTokens]],
      ['text_decoder', [COCA_IO.inputIds, COCA_IO.decoderImageTokens], [COCA_IO.logits]],
    ]);
    expect(coca.config.download.every((download) => download.unverified && download.sha256 === null)).toBe(true);
    expect(variantsOf(coca)).toEqual(['fp32']);
  });

  it('the predictor is one safetensors file of kind bytes, tied to ViT-L/14, one variant', () => {
    const predictor = entries.find((entry) => entry.name === 'aesthetic-predictor-L14')!;
    expect(predictor.baseline).toBe('ViT-L/14');
    expect(predictor.config.files).toEqual([expect.objectContaining({ path: 'predictor', kind: 'bytes' })]);
    expect(predictor.config.download[0]!.file_name).toMatch(/\.safetensors$/);
    expect(variantsOf(predictor)).toEqual(['fp32']);
  });
});

describe("the 'bytes' file kind", () => {
  it('imports a safetensors file and loads it back byte for byte, with no session opened', async () => {
    const layout = natailiMlp(768);
    const file = writeSafetensors(stateDict(layout, layoutWeights(layout, 2)));
    const entry = {
      name: 'test-predictor',
      type: 'clip',
      description: 'a predictor',
      version: '1',
      nsfw: false,
      baseline: 'ViT-L/14',
      config: {
        files: [{ path: 'predictor', kind: 'bytes' }],
        download: [{ file_name: 'predictor.safetensors', file_path: 'predictor', file_url: 'https://example.org/p.safetensors', precision: 'fp32', size: file.length, sha256: await sha256Hex(file) }],
      },
    };
    let sessions = 0;
    const manager = new BaseModelManager<unknown>('clip', { [entry.name]: entry }, {
      cache: createIdbCache('predictor-bytes'),
      storage: null,
      sessionFactory: async () => (sessions++, {}),
    });
    expect(manager.catalogErrors).toEqual([]);
    const report = await manager.importFiles([{ file: new Blob([file.slice()]), name: 'predictor.safetensors' }]);
    expect(report.completed).toEqual([{ model: 'test-predictor', precision: 'fp32' }]);
    const loaded = await manager.load('test-predictor');
    expect(sessions).toBe(0);
    expect(Buffer.from(loaded.bytes['predictor']!).equals(Buffer.from(file))).toBe(true);
    expect(AestheticMlp.fromSafetensors(loaded.bytes['predictor']!).architecture).toBe('mlp');
  });
});
