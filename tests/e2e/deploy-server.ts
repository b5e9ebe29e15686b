// A throwaway "production host" for the update test: serves a folder that the test rewrites to
// deploy a new version, on a free port of its own (the suite's server keeps port 4317). It is a
// plain node:http server because Vite refuses a second `vite preview` of the same project while the
// suite's one runs. It reads every file per request, so a rewrite is live at once.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Deployment {
  /** The folder being served: rewrite files here to deploy. */
  root: string;
  url: string;
  /** How many times the browser has fetched sw.js: each fetch is an update check. */
  readonly swFetches: number;
  close(): Promise<void>;
}

/** Copies `dist` into a temporary folder and serves it on 127.0.0.1 at a free port. */
export async function deploy(dist = 'dist'): Promise<Deployment> {
  const root = await mkdtemp(join(tmpdir(), 'nataili-deploy-'));
  await cp(dist, root, { recursive: true });
  let swFetches = 0;
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
    if (path === '/sw.js') swFetches++;
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    // Same headers as the real servers (vite.config.ts): cross-origin isolation for WASM threads.
    // no-cache makes the browser revalidate, as a host does for files that change between deploys.
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-cache' };
    try {
      if (!file.startsWith(root + sep)) throw new Error('outside the site');
      const body = await readFile(file);
      response.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, headers);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    root,
    url: `http://127.0.0.1:${port}/`,
    get swFetches() {
      return swFetches;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
