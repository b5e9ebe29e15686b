// Gallery export and import: a zip with index.json and PNGs that carry their parameters, read
// back whole; single A1111 PNGs; files that are not ours refused with a reason; a full quota
// mid-import keeping what was imported.
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { QuotaError } from '../../src/managers/errors.ts';
import { getPngText, parametersFromPng, type GenerationParameters } from '../../src/shared/png/index.ts';
import { exportZip, importFiles } from '../../src/workers/gallery/archive.ts';
import { bytesOf, newGallery, smallPng } from './gallery-fixtures.ts';

const generation = (prompt: string): GenerationParameters => ({ prompt, negativePrompt: '', steps: 8, sampler: 'k_euler', cfgScale: 5, seed: 7, width: 2, height: 1, extra: [] });
const file = (bytes: Uint8Array, name: string) => new File([bytes as Uint8Array<ArrayBuffer>], name);

async function filled() {
  const gallery = newGallery();
  const items = [
    await gallery.store.add({ kind: 'generate', image: smallPng(), params: { generation: generation('first, with a comma') } }),
    await gallery.store.add({ kind: 'upscale', image: smallPng(), params: { process: { model: 'realesr', settings: { 'Upscale by': 2 } } }, text: 'upscaled fox' }),
    await gallery.store.add({ kind: 'caption', image: smallPng(), text: 'a caption', params: { process: { model: 'blip' } } }),
  ];
  return { ...gallery, items };
}

describe('gallery export', () => {
  it('writes index.json and one PNG per result, each PNG as stored', async () => {
    const { store, items } = await filled();
    const exported = await exportZip(store, Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(exported).toMatchObject({ name: 'nataili-gallery-20260102-030405.zip', count: 3 });
    expect(exported.blob.type).toBe('application/zip');
    const files = unzipSync(await bytesOf(exported.blob));
    expect(Object.keys(files).sort()).toEqual(['index.json', ...items.map((item) => `images/${item.id}.png`)].sort());
    const index = JSON.parse(new TextDecoder().decode(files['index.json']));
    expect(index).toMatchObject({ format: 'nataili-web-gallery', version: 1, exportedAt: '2026-01-02T03:04:05.000Z' });
    expect(index.items.map((entry: { id: string }) => entry.id)).toEqual(items.map((item) => item.id).reverse());
    expect(index.items[0]).toMatchObject({ kind: 'caption', text: 'a caption', process: { model: 'blip' }, width: 2, height: 1 });
    for (const item of items) expect(files[`images/${item.id}.png`]).toEqual(await bytesOf((await store.download(item.id)).blob));
    expect(parametersFromPng(files[`images/${items[0]!.id}.png`]!)).toEqual(generation('first, with a comma'));
  });
});

describe('gallery import', () => {
  it('reads an export back whole, and skips what it already has', async () => {
    const { store, items } = await filled();
    const zip = (await exportZip(store)).blob;
    const target = newGallery();
    expect(await importFiles(target.store, [new File([zip], 'gallery.zip')])).toEqual({ added: 3, skipped: 0, rejected: [] });
    const listed = await target.store.list();
    expect(listed.items.map(({ thumbnail: _t, ...rest }) => rest)).toEqual(items.reverse().map(({ thumbnail: _t, ...rest }) => rest));
    expect(await importFiles(target.store, [new File([zip], 'gallery.zip')])).toEqual({ added: 0, skipped: 3, rejected: [] });
    expect(await target.db.audit()).toEqual({ items: 3, images: 3, lonely: [] });
  });

  it('imports a single A1111 PNG as a generate result, keeping its parameters text verbatim', async () => {
    const text = 'a lighthouse\nNegative prompt: fog\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 99, Size: 2x1, Model: sdxl, Version: v1.10.1';
    const { store } = newGallery();
    expect(await importFiles(store, [file(smallPng(['parameters', text]), 'a1111.png')])).toEqual({ added: 1, skipped: 0, rejected: [] });
    const [item] = (await store.list()).items;
    expect(item).toMatchObject({ kind: 'generate', text: 'a lighthouse', params: { generation: { sampler: 'k_dpmpp_2m_karras', cfgScale: 7, seed: 99 } } });
    expect(getPngText(await bytesOf((await store.download(item!.id)).blob), 'parameters')).toBe(text);
  });

  it('refuses files that are not ours with a reason, and distrusts a doctored index', async () => {
    const { store } = newGallery();
    const doctored = zipSync({
      'index.json': strToU8(JSON.stringify({ format: 'nataili-web-gallery', items: [{ file: 'images/x.png', id: '../../etc', kind: 'evil', createdAt: 'soon', text: 42 }] })),
      'images/x.png': smallPng(['parameters', 'from the index test\nSteps: 1, Seed: 2, Size: 2x1']),
      'images/plain.png': smallPng(),
      'notes.txt': strToU8('ignored'),
    });
    const result = await importFiles(store, [file(strToU8('hello'), 'notes.txt'), file(smallPng(), 'plain.png'), file(doctored, 'doctored.zip'), file(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), 'broken.zip')]);
    expect(result.added).toBe(1);
    expect(result.rejected.map((entry) => entry.name)).toEqual(['notes.txt', 'plain.png', 'doctored.zip: images/plain.png', 'broken.zip']);
    expect(result.rejected[1]!.reason).toMatch(/no generation parameters/);
    const [item] = (await store.list()).items;
    expect(item!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(item).toMatchObject({ kind: 'generate', text: 'from the index test' });
  });

  it('stops at a full quota, keeping every result imported before and saying how many', async () => {
    const { store, items } = await filled();
    const zip = (await exportZip(store)).blob;
    const target = newGallery();
    let writes = 0;
    const put = target.db.put.bind(target.db);
    target.db.put = async (item, png) => {
      if (++writes === 2) target.db.full = true;
      return put(item, png);
    };
    const error = await importFiles(target.store, [new File([zip], 'gallery.zip')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaError);
    expect((error as Error).message).toMatch(/Nothing in the gallery was deleted\..* 1 result was imported before storage ran out and is kept\.$/);
    expect((await target.store.list()).items.map((item) => item.id)).toEqual([items[0]!.id]);
    expect(await target.db.audit()).toEqual({ items: 1, images: 1, lonely: [] });
  });
});
