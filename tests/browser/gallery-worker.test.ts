// The gallery worker in real Chromium, through WorkerHost as the pages call it: real IndexedDB,
// real thumbnails (createImageBitmap + OffscreenCanvas WebP), PNG and JPEG inputs, zip export and
// import, change notices on the BroadcastChannel, two workers writing at once (two tabs), and a
// worker killed mid-write (a closed tab). Each run works on databases of its own.
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/shared/image/encode-png.ts';
import { getPngText, parametersFromPng, type GenerationParameters } from '../../src/shared/png/index.ts';
import type { GalleryApi } from '../../src/workers/api.ts';
import { WorkerHost } from '../../src/workers/client.ts';
import { galleryChannelName } from '../../src/workers/gallery/channel.ts';
import { GalleryDb } from '../../src/workers/gallery/db.ts';
import { uniqueName } from '../servers/fixtures.ts';

const prefix = uniqueName('gallery-worker');
const spawn = () => new Worker(new URL('../../src/workers/gallery.worker.ts', import.meta.url), { type: 'module', name: `gallery:${prefix}` });
const newHost = () => new WorkerHost<{ gallery: GalleryApi }>({ spawners: { gallery: spawn }, idleMs: 60_000 });
const hosts = [newHost(), newHost()];
const gallery = hosts[0]!.client('gallery');
const db = new GalleryDb(`${prefix}-gallery`);

afterAll(() => {
  hosts.forEach((host) => host.releaseAll());
  db.close();
});

const params = (prompt: string): GenerationParameters => ({ prompt, negativePrompt: 'text', steps: 12, sampler: 'k_euler_a', cfgScale: 6, seed: 5, width: 640, height: 320, model: 'tiny-sd', extra: [] });

/** A 640×320 gradient with some transparency: large enough that the thumbnail scales it down. */
function gradient(width = 640, height = 320) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([i % 256, (i >> 8) % 256, 128, i % 7 === 0 ? 100 : 255], i * 4);
  return { width, height, data };
}

async function jpeg(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#3a7';
  context.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg' });
}

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('gallery worker', () => {
  it('stores a PNG with its parameters, thumbnails it, and announces the change', async () => {
    const channel = new BroadcastChannel(galleryChannelName(prefix));
    const heard = new Promise<unknown>((resolve) => (channel.onmessage = (event) => resolve(event.data)));
    const png = await encodePng(gradient());
    const item = await gallery.addResult({ kind: 'generate', image: png, params: { generation: params('a gradient, test') } });
    expect(await heard).toEqual({ type: 'changed' });
    channel.close();
    expect(item).toMatchObject({ kind: 'generate', width: 640, height: 320, text: 'a gradient, test' });
    expect(item.thumbnail.type).toBe('image/webp');
    const thumb = await createImageBitmap(item.thumbnail);
    expect([thumb.width, thumb.height]).toEqual([256, 128]);
    const file = await gallery.download(item.id);
    expect(parametersFromPng(await bytes(file.blob))).toEqual(params('a gradient, test'));
    // The pixels are the ones handed in: the stored PNG's image data is the encoder's, byte for byte.
    expect(file.blob.size).toBeGreaterThan(png.size);
  });

  it('converts a JPEG to PNG and keeps a caption', async () => {
    const item = await gallery.addResult({ kind: 'caption', image: await jpeg(100, 60), text: 'a green rectangle', params: { process: { model: 'blip-base' } } });
    const png = await bytes((await gallery.download(item.id)).blob);
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    expect(getPngText(png, 'Description')).toBe('a green rectangle');
    expect((await gallery.list({ search: 'GREEN' })).items.map((entry) => entry.id)).toEqual([item.id]);
  });

  it('exports a zip and imports it into another gallery', async () => {
    const exported = await gallery.exportZip();
    expect(exported.count).toBe(2);
    const otherPrefix = uniqueName('gallery-import');
    const other = new WorkerHost<{ gallery: GalleryApi }>({
      spawners: { gallery: () => new Worker(new URL('../../src/workers/gallery.worker.ts', import.meta.url), { type: 'module', name: `gallery:${otherPrefix}` }) },
    });
    try {
      const target = other.client('gallery');
      expect(await target.importFiles([new File([exported.blob], exported.name)])).toEqual({ added: 2, skipped: 0, rejected: [] });
      const mine = (await gallery.list()).items.map(({ thumbnail: _t, ...rest }) => rest);
      expect((await target.list()).items.map(({ thumbnail: _t, ...rest }) => rest)).toEqual(mine);
      expect(await target.usage()).toMatchObject({ count: 2 });
    } finally {
      other.releaseAll();
    }
  });

  it('takes writes from two workers at once (two tabs), none lost', async () => {
    const before = (await gallery.list()).total;
    const png = await encodePng(gradient(64, 32));
    const writes = hosts.flatMap((host, h) =>
      Array.from({ length: 8 }, (_, i) => host.call('gallery', 'addResult', [{ kind: 'generate', image: png, params: { generation: params(`tab ${h} image ${i}`) } }])),
    );
    const items = await Promise.all(writes);
    expect(new Set(items.map((item) => item.id)).size).toBe(16);
    expect((await gallery.list({ search: 'tab', limit: 100 })).total).toBe(16);
    expect((await gallery.list()).total).toBe(before + 16);
    expect((await db.audit()).lonely).toEqual([]);
  });

  it('keeps results whole when the worker dies mid-write (a tab closed)', async () => {
    const before = (await gallery.list()).total;
    const png = await encodePng(gradient(320, 320));
    const host = newHost();
    const pending = Array.from({ length: 6 }, (_, i) => host.call('gallery', 'addResult', [{ kind: 'upscale', image: png, params: { process: { model: `closing ${i}` } } }]).catch(() => null));
    // Killed as soon as the first result is in: the next is being encoded or written.
    await pending[0];
    host.releaseAll();
    const done = (await Promise.all(pending)).filter((item) => item !== null).length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(6);
    const audit = await db.audit();
    expect(audit.lonely).toEqual([]);
    const after = (await gallery.list()).total;
    expect(after - before).toBeGreaterThanOrEqual(done);
    expect(after - before).toBeLessThanOrEqual(6);
    for (const item of (await gallery.list({ kind: 'upscale', limit: 10 })).items) expect((await gallery.download(item.id)).blob.size).toBe(item.bytes);
  });

  it('deletes, clears, and empties the embedding cache', async () => {
    const { items } = await gallery.list({ limit: 1 });
    expect(await gallery.remove(items[0]!.id)).toBe(true);
    expect(await gallery.get(items[0]!.id)).toBeNull();
    expect(await gallery.clear()).toBeGreaterThan(0);
    expect(await gallery.usage()).toEqual({ count: 0, bytes: 0 });
    await gallery.clearEmbeddings();
    expect(await db.audit()).toEqual({ items: 0, images: 0, lonely: [] });
  });
});
