// The gallery store over fake-indexeddb: what a result keeps, paging, search, delete, a full
// quota, two writers at once and all-or-nothing writes.
import { describe, expect, it } from 'vitest';
import { QuotaError } from '../../src/managers/errors.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { getPngText, parametersFromPng, type GenerationParameters } from '../../src/shared/png/index.ts';
import { GalleryDb } from '../../src/workers/gallery/db.ts';
import { GalleryStore } from '../../src/workers/gallery/store.ts';
import { bytesOf, newGallery, smallPng } from './gallery-fixtures.ts';

const generation = (prompt: string, seed = 1): GenerationParameters => ({
  prompt,
  negativePrompt: 'blurry',
  steps: 20,
  sampler: 'k_dpmpp_2m_karras',
  cfgScale: 7,
  seed,
  width: 2,
  height: 1,
  model: 'stable_diffusion',
  extra: [],
});

describe('gallery store', () => {
  it('keeps a generated result with its parameters embedded in the PNG', async () => {
    const { store, notifications } = newGallery();
    const item = await store.add({ kind: 'generate', image: smallPng(), params: { generation: generation('a red fox') } });
    expect(item).toMatchObject({ kind: 'generate', text: 'a red fox', width: 2, height: 1, createdAt: 1_767_225_601_000 });
    expect(item.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.thumbnail.type).toBe('image/webp');
    expect(notifications()).toBe(1);
    const file = await store.download(item.id);
    expect(file.name).toBe(`nataili-generate-20260101-000001-${item.id.slice(0, 8)}.png`);
    const bytes = await bytesOf(file.blob);
    expect(item.bytes).toBe(bytes.length);
    expect(getPngText(bytes, 'parameters')).toBe('a red fox\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1, Size: 2x1, Model: stable_diffusion');
    expect(parametersFromPng(bytes)).toEqual(generation('a red fox'));
    expect(JSON.parse(getPngText(bytes, 'nataili-web')!)).toEqual({ id: item.id, kind: 'generate', createdAt: item.createdAt, text: 'a red fox' });
    expect(await store.get(item.id)).toEqual(item);
    expect(await store.get('missing')).toBeNull();
  });

  it('keeps post-process and caption results with their own text chunks', async () => {
    const { store } = newGallery();
    const up = await store.add({ kind: 'upscale', image: smallPng(), params: { process: { model: 'realesr-x4', settings: { 'Upscale by': 4 } }, generation: generation('a castle') } });
    const upPng = await bytesOf((await store.download(up.id)).blob);
    expect(getPngText(upPng, 'postprocessing')).toBe('Postprocess model: realesr-x4, Upscale by: 4');
    expect(up.text).toBe('a castle');
    const cap = await store.add({ kind: 'caption', image: smallPng(), text: 'a dog on a beach, sunset', params: { process: { model: 'blip' } } });
    expect(getPngText(await bytesOf((await store.download(cap.id)).blob), 'Description')).toBe('a dog on a beach, sunset');
  });

  it('encodes pixels as PNG', async () => {
    const { store } = newGallery();
    const pixels = new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 128]);
    const item = await store.add({ kind: 'restore', image: { width: 2, height: 1, data: pixels }, params: { process: { model: 'gfpgan' } } });
    expect(item).toMatchObject({ width: 2, height: 1 });
  });

  it('lists newest first in pages, and searches prompts and captions by every word', async () => {
    const { store } = newGallery();
    const ids: string[] = [];
    for (const prompt of ['Red fox', 'blue whale', 'red panda', 'green fox', 'red FOX cub']) {
      ids.push((await store.add({ kind: 'generate', image: smallPng(), params: { generation: generation(prompt) } })).id);
    }
    await store.add({ kind: 'caption', image: smallPng(), text: 'a fox in the snow' });
    const first = await store.list({ limit: 2 });
    expect(first.total).toBe(6);
    expect(first.items.map((item) => item.text)).toEqual(['a fox in the snow', 'red FOX cub']);
    const second = await store.list({ offset: 2, limit: 2 });
    expect(second.items.map((item) => item.id)).toEqual([ids[3], ids[2]]);
    expect((await store.list({ offset: 10 })).items).toEqual([]);
    const foxes = await store.list({ search: 'fox RED' });
    expect(foxes.items.map((item) => item.text)).toEqual(['red FOX cub', 'Red fox']);
    expect(foxes.total).toBe(2);
    expect((await store.list({ search: 'fox', kind: 'caption' })).items.map((item) => item.text)).toEqual(['a fox in the snow']);
    expect((await store.list({ search: 'fox', offset: 2, limit: 1 })).items.map((item) => item.text)).toEqual(['green fox']);
  });

  it('deletes one result, both of its records, and clears all', async () => {
    const { store, db } = newGallery();
    const a = await store.add({ kind: 'generate', image: smallPng(), params: { generation: generation('a') } });
    await store.add({ kind: 'generate', image: smallPng(), params: { generation: generation('b') } });
    expect(await store.remove(a.id)).toBe(true);
    expect(await store.remove(a.id)).toBe(false);
    await expect(store.download(a.id)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await db.audit()).toEqual({ items: 1, images: 1, lonely: [] });
    expect(await store.clear()).toBe(1);
    expect(await db.audit()).toEqual({ items: 0, images: 0, lonely: [] });
  });

  it('refuses a full quota with the size in the message, deleting nothing', async () => {
    const { store, db } = newGallery();
    const kept = await store.add({ kind: 'generate', image: smallPng(), params: { generation: generation('kept') } });
    db.full = true;
    const error = await store.add({ kind: 'generate', image: smallPng(), params: { generation: generation('refused') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaError);
    expect((error as QuotaError).message).toMatch(/^Storage is full: the browser refused to keep this result \(\d+ B\); 2\.0 GB of this site's 2\.0 GB is in use\. Nothing in the gallery was deleted\./);
    expect((error as QuotaError).neededBytes).toBeGreaterThan(100);
    expect((await store.list()).items.map((item) => item.id)).toEqual([kept.id]);
    expect(await db.audit()).toEqual({ items: 1, images: 1, lonely: [] });
  });

  it('writes a result whole or not at all', async () => {
    const { store, db } = newGallery();
    // A value IndexedDB cannot clone fails the second put of the transaction, after the image's.
    const bad = { generation: { ...generation('x'), extra: [['f', (() => 1) as unknown as string]] as [string, string][] } };
    await expect(store.add({ kind: 'generate', image: smallPng(), params: bad })).rejects.toThrow();
    expect(await db.audit()).toEqual({ items: 0, images: 0, lonely: [] });
  });

  it('takes writes from two tabs at once, each whole, none lost', async () => {
    const one = newGallery();
    // Another tab: its own connection to the same database.
    const two = new GalleryStore(new GalleryDb('test-gallery', one.factory), { thumbnail: async () => new Blob(['t']) });
    const writes = Array.from({ length: 20 }, (_, i) => [
      one.store.add({ kind: 'generate', image: smallPng(), params: { generation: generation(`one ${i}`) } }),
      two.add({ kind: 'generate', image: smallPng(), params: { generation: generation(`two ${i}`) } }),
    ]).flat();
    const items = await Promise.all(writes);
    expect(new Set(items.map((item) => item.id)).size).toBe(40);
    expect((await one.store.list({ limit: 100 })).total).toBe(40);
    expect(await one.db.audit()).toEqual({ items: 40, images: 40, lonely: [] });
  });

  it('refuses an unknown kind and bytes that are no image', async () => {
    const { store } = newGallery();
    await expect(store.add({ kind: 'painting' as 'generate', image: smallPng() })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.add({ kind: 'generate', image: new TextEncoder().encode('hello, not an image') })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
