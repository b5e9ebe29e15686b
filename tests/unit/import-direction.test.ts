// Keeps the one-way import direction of ARCHITECTURE.md honest:
// ui → workers → managers | pipelines → runtime | kernels → shared,
// and onnxruntime-web imported by src/runtime/ alone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve('src');
const layers = ['ui', 'workers', 'managers', 'pipelines', 'runtime', 'kernels', 'shared'] as const;
type Layer = (typeof layers)[number];

/** What each layer may import besides itself. */
const allowed: Record<Layer, readonly Layer[]> = {
  ui: ['workers', 'shared'],
  workers: ['managers', 'pipelines', 'runtime', 'kernels', 'shared'],
  managers: ['runtime', 'shared'],
  pipelines: ['runtime', 'kernels', 'shared'],
  runtime: ['shared'],
  kernels: ['shared'],
  shared: [],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|svelte|js)$/.test(name) ? [path] : [];
  });
}

/** Static imports, re-exports, dynamic imports and `new URL(..., import.meta.url)` worker entries. */
export function importSpecifiers(code: string): string[] {
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s+['"]([^'"]+)['"]/g, /new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!));
}

function layerOf(path: string): Layer | undefined {
  const top = relative(src, path).split(/[\\/]/)[0];
  return layers.find((layer) => layer === top);
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of filesUnder(src)) {
    const from = layerOf(file);
    if (!from) continue;
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      const where = relative(process.cwd(), file);
      if (specifier.startsWith('onnxruntime-') && from !== 'runtime') found.push(`${where}: only src/runtime may import ${specifier}`);
      if (!specifier.startsWith('.')) continue;
      const to = layerOf(resolve(dirname(file), specifier));
      if (to && to !== from && !allowed[from].includes(to)) found.push(`${where}: ${from} must not import ${to} (${specifier})`);
    }
  }
  return found;
}

describe('import direction', () => {
  it('finds every kind of import', () => {
    const code = `import a from '../x.ts';\nexport { b } from "./y";\nconst c = await import('../z.ts');\nimport '../side.css';\nnew Worker(new URL('./w.worker.ts', import.meta.url));`;
    expect(importSpecifiers(code)).toEqual(expect.arrayContaining(['../x.ts', './y', '../z.ts', '../side.css', './w.worker.ts']));
  });

  it('holds across src/', () => {
    expect(violations()).toEqual([]);
  });
});
