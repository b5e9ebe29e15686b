// Model cache: download of a 256 MB model from the local server into IndexedDB vs loading it back from the cache, and what sha256 costs.
// Runs in Chromium (the tests' one, through playwright-core) on a production Vite build of the
// managers' download path, against the fault-injecting test server with no fault set. Rounds
// interleave the three measurements so a busy moment on the machine hits each alike.
// Options: --mb 256 --runs 3 --chunk-mb 32
// Also runs on its own: npx tsx bench/cache.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build, type Plugin } from 'vite';
import { chromiumArgs, findChromium } from '../scripts/chromium.mjs';
import { startModelServer } from '../tests/servers/model-server.ts';
import { servePage } from './lib/browser.ts';
import { cliOptions, machineInfo, numberOption, repoRoot, writeResults } from './lib/results.ts';
import { ratio, summarize } from './lib/stats.ts';
import { printTable } from './lib/table.ts';

const options = cliOptions();
const megabytes = numberOption(options, 'mb', 256);
const runs = numberOption(options, 'runs', 3);
const chunkMiB = numberOption(options, 'chunk-mb', 32);
const size = Math.round(megabytes * 1024 * 1024);

// The page: the managers' own download and read-back code, nothing else (no ORT in the bundle).
const src = (path: string) => JSON.stringify(resolve(repoRoot, 'src/managers', path));
const pageSource = `
import { createIdbCache } from ${src('cache.ts')};
import { installVariant } from ${src('install.ts')};
import { validateEntry } from ${src('catalog/validate.ts')};
import { readStoredFile } from ${src('writer.ts')};

const prefixes = [];
async function clear() {
  for (const prefix of prefixes.splice(0)) {
    for (const store of ['chunks', 'files', 'manifests', 'meta']) {
      await new Promise((done) => { const r = indexedDB.deleteDatabase(prefix + '-' + store); r.onsuccess = r.onerror = r.onblocked = done; });
    }
  }
}
globalThis.cacheBench = {
  async download({ url, size, sha256, hashing, chunkSize, round }) {
    await clear();
    const prefix = 'bench-' + round + '-' + (hashing ? 'hash' : 'plain');
    prefixes.push(prefix);
    const entry = validateEntry({ name: 'bench', type: 'esrgan', description: 'bench', version: '1', nsfw: false, config: {
      files: [{ path: 'model', kind: 'onnx', inputs: ['input'], outputs: ['output'] }],
      download: [{ file_name: 'model.onnx', file_path: 'model', file_url: url, precision: 'fp32', size, sha256 }] } }, 'bench');
    const cache = createIdbCache(prefix);
    const start = performance.now();
    const manifest = await installVariant({ cache, chunkSize, hashing, storage: null }, entry, 'fp32', {});
    const ms = performance.now() - start;
    globalThis.lastBench = { cache, manifest };
    return { ms, chunks: manifest.files[0].chunks };
  },
  async cachedLoad() {
    const { cache, manifest } = globalThis.lastBench;
    const start = performance.now();
    const bytes = await readStoredFile(cache, 'bench', manifest.files[0]);
    const ms = performance.now() - start;
    return { ms, bytes: bytes.byteLength };
  },
  clear,
};
globalThis.benchReady = true;
`;

function virtualEntry(): Plugin {
  const id = '\0cache-bench-page';
  return {
    name: 'cache-bench-page',
    resolveId: (source) => (source === 'cache-bench-page' ? id : null),
    load: (source) => (source === id ? pageSource : null),
  };
}

interface PageApi {
  cacheBench: {
    download(args: { url: string; size: number; sha256: string; hashing: boolean; chunkSize: number; round: number }): Promise<{ ms: number; chunks: number }>;
    cachedLoad(): Promise<{ ms: number; bytes: number }>;
    clear(): Promise<void>;
  };
}

const outDir = await mkdtemp(join(tmpdir(), 'nataili-cache-bench-'));
await build({
  configFile: false,
  root: repoRoot,
  publicDir: false,
  logLevel: 'warn',
  plugins: [virtualEntry()],
  worker: { format: 'es' },
  build: { outDir, emptyOutDir: true, target: 'es2022', rolldownOptions: { input: { page: 'cache-bench-page' }, output: { entryFileNames: '[name].js' } } },
});
const models = await startModelServer();
const { url: pageUrl, server: pageServer } = await servePage(outDir);
// A persistent profile on disk, as a user has: an incognito context keeps IndexedDB in memory,
// with a small quota that a few 256 MB downloads exhaust.
const profile = await mkdtemp(join(tmpdir(), 'nataili-cache-profile-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), args: chromiumArgs, headless: true });
try {
  const page = context.pages()[0] ?? (await context.newPage());
  // A persistent context has no Browser object to ask; the DevTools protocol knows the version.
  const cdp = await context.newCDPSession(page);
  const version = ((await cdp.send('Browser.getVersion')) as { product: string }).product.replace(/^\D*\//, '');
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(pageUrl);
  await page.waitForFunction(() => (globalThis as { benchReady?: boolean }).benchReady === true, undefined, { timeout: 60_000 });
  const meta = (await (await fetch(`${models.url}/meta?size=${size}&seed=1`)).json()) as { sha256: string };
  const url = `${models.url}/file/bench.onnx?size=${size}&seed=1&id=bench`;
  const chunkSize = chunkMiB * 1024 * 1024;
  const samples = { hashed: [] as number[], plain: [] as number[], cached: [] as number[] };
  let chunks = 0;
  // Round 0 warms the server's page cache, Chromium's network stack and IndexedDB; not counted.
  for (let round = 0; round <= runs; round += 1) {
    const order = round % 2 === 0 ? [true, false] : [false, true];
    for (const hashing of order) {
      const result = await page.evaluate((args) => (globalThis as unknown as PageApi).cacheBench.download(args), { url, size, sha256: meta.sha256, hashing, chunkSize, round });
      chunks = result.chunks;
      if (round > 0) samples[hashing ? 'hashed' : 'plain'].push(result.ms);
      if (hashing) {
        const loaded = await page.evaluate(() => (globalThis as unknown as PageApi).cacheBench.cachedLoad());
        if (loaded.bytes !== size) throw new Error(`cached load returned ${loaded.bytes} bytes, expected ${size}`);
        if (round > 0) samples.cached.push(loaded.ms);
      }
    }
    console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''} done`);
  }
  await page.evaluate(() => (globalThis as unknown as PageApi).cacheBench.clear());

  const hashed = summarize(samples.hashed);
  const plain = summarize(samples.plain);
  const cached = summarize(samples.cached);
  const mbps = (ms: number) => Math.round((size / 1e6 / (ms / 1000)) * 10) / 10;
  const hashOverhead = ratio(hashed.median, plain.median);
  printTable(`${megabytes} MB model, ${chunkMiB} MiB chunks (${chunks} chunks), Chromium ${version}, median of ${runs}`, ['step', 'median ms', 'min ms', 'max ms', 'MB/s'], [
    ['download + sha256 + IndexedDB', hashed.median, hashed.min, hashed.max, mbps(hashed.median)],
    ['download + IndexedDB, no hash', plain.median, plain.min, plain.max, mbps(plain.median)],
    ['load from IndexedDB cache', cached.median, cached.min, cached.max, mbps(cached.median)],
  ]);
  console.log(`download_ms ${Math.round(hashed.median)}   cached_load_ms ${Math.round(cached.median)}   hash_overhead_ratio ${hashOverhead}`);
  const path = writeResults('cache', {
    machine: machineInfo(version),
    model_bytes: size,
    chunk_bytes: chunkSize,
    chunks,
    runs,
    download_ms: Math.round(hashed.median),
    cached_load_ms: Math.round(cached.median),
    hash_overhead_ratio: hashOverhead,
    download_no_hash_ms: Math.round(plain.median),
    samples_ms: { download: hashed, download_no_hash: plain, cached_load: cached },
    mb_per_s: { download: mbps(hashed.median), download_no_hash: mbps(plain.median), cached_load: mbps(cached.median) },
  });
  console.log(`wrote ${path}`);
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
  await new Promise((done) => pageServer.close(done));
  await models.close();
  await rm(outDir, { recursive: true, force: true });
}
