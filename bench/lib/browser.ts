// Runs browser-side benchmark code: builds a page entry with Vite (production build, as users get
// it), serves it on 127.0.0.1 with the COOP/COEP headers WASM threads need, and opens it in the
// Chromium the tests use (scripts/chromium.mjs) through playwright-core.

import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { chromiumArgs, findChromium } from '../../scripts/chromium.mjs';
import { isolationHeaders } from '../../vite.config.ts';
import { repoRoot } from './results.ts';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
};

/** Builds `entry` (a .ts module, relative to the repository) into a fresh folder; returns the folder. */
export async function buildPage(entry: string): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'nataili-bench-'));
  await build({
    configFile: false,
    root: repoRoot,
    publicDir: false,
    logLevel: 'warn',
    worker: { format: 'es' },
    // ORT's build without an embedded loader: we serve its loader and wasm from /ort/ anyway
    // (src/runtime/ort.ts), and the default build would also emit a second 28 MB wasm.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rolldownOptions: { input: { page: resolve(repoRoot, entry) }, output: { entryFileNames: '[name].js' } },
    },
  });
  return outDir;
}

export interface ServeOptions {
  /** Extra files by URL path ("/model.onnx"), served from memory. */
  files?: ReadonlyMap<string, Uint8Array>;
}

/** Serves `dir`, then public/ (ORT's loader and wasm under /ort/), with cross-origin isolation. */
export async function servePage(dir: string, options: ServeOptions = {}): Promise<{ url: string; server: Server }> {
  // The same copy of ORT's files the app serves; prepare-assets copies them when missing.
  await import('../../scripts/prepare-assets.mjs');
  const roots = [dir, join(repoRoot, 'public')];
  const server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const headers = { ...isolationHeaders, 'Cache-Control': 'no-store' };
      if (path === '/favicon.ico') {
        response.writeHead(204, headers);
        response.end();
        return;
      }
      if (path === '/') {
        response.writeHead(200, { ...headers, 'Content-Type': types['.html']! });
        response.end('<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/page.js"></script>');
        return;
      }
      const extra = options.files?.get(path);
      if (extra) {
        response.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' });
        response.end(extra);
        return;
      }
      for (const root of roots) {
        const file = normalize(join(root, path));
        if (!file.startsWith(root + sep)) continue;
        const body = await readFile(file).catch(() => null);
        if (!body) continue;
        response.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
        return;
      }
      response.writeHead(404, headers);
      response.end();
    })();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}

export interface BenchPage {
  page: Page;
  browser: Browser;
  chromiumVersion: string;
  close(): Promise<void>;
}

/**
 * Builds, serves and opens `entry`; resolves once the page has set `globalThis.benchReady`.
 * The page's console is echoed with a [page] prefix, which is where its errors show.
 */
export async function openBenchPage(entry: string, options: ServeOptions = {}): Promise<BenchPage> {
  const dir = await buildPage(entry);
  const { url, server } = await servePage(dir, options);
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs, headless: true });
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`[page] ${message.text()}`);
  });
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { benchReady?: boolean }).benchReady === true, undefined, { timeout: 60_000 });
  return {
    page,
    browser,
    chromiumVersion: browser.version(),
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
