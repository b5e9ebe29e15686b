// Catalog entries that point at the test model server, for the manager tests (Node and browser).

import type { LoggedRequest } from './model-server.ts';

export interface TestFile {
  /** config.files[].path */
  path: string;
  size: number;
  seed: number;
  /** Extra query for the server: "cut=0.5", "status=404", ... */
  faults?: string;
  precision?: 'fp32' | 'fp16' | 'q8';
  /** Overrides the real hash (a wrong one), or null for an unverified file. */
  sha256?: string | null;
  /** Overrides the size the catalog gives. */
  catalogSize?: number | null;
  fileName?: string;
}

export interface Meta {
  size: number;
  sha256: string;
}

export async function fileMeta(server: string, size: number, seed: number): Promise<Meta> {
  const response = await fetch(`${server}/meta?size=${size}&seed=${seed}`);
  return (await response.json()) as Meta;
}

export function fileUrl(server: string, id: string, file: TestFile): string {
  const faults = file.faults ? `&${file.faults}` : '';
  return `${server}/file/${file.path}.onnx?size=${file.size}&seed=${file.seed}&id=${encodeURIComponent(id)}${faults}`;
}

/** A valid catalog entry (nataili shape) whose files come from the test server. */
export async function testEntry(server: string, name: string, files: TestFile[], type = 'esrgan'): Promise<Record<string, unknown>> {
  const paths = [...new Set(files.map((file) => file.path))];
  const download = [];
  for (const file of files) {
    const meta = await fileMeta(server, file.size, file.seed);
    const sha256 = file.sha256 === undefined ? meta.sha256 : file.sha256;
    download.push({
      file_name: file.fileName ?? `${file.path}${file.precision && file.precision !== 'fp32' ? `_${file.precision}` : ''}.onnx`,
      file_path: file.path,
      file_url: fileUrl(server, name, file),
      precision: file.precision ?? 'fp32',
      size: file.catalogSize === undefined ? file.size : file.catalogSize,
      sha256,
      ...(sha256 === null ? { unverified: true } : {}),
    });
  }
  return {
    name,
    type,
    description: `test model ${name}`,
    version: '1',
    nsfw: false,
    baseline: 'test',
    config: { files: paths.map((path) => ({ path, kind: 'onnx', inputs: ['input'], outputs: ['output'] })), download },
  };
}

/** The requests the server saw for one model (its id is the model name). */
export async function serverLog(server: string, id: string): Promise<LoggedRequest[]> {
  return (await (await fetch(`${server}/log?id=${encodeURIComponent(id)}`)).json()) as LoggedRequest[];
}

let counter = 0;
/** A name no other test uses (server logs and cache databases are keyed by it). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}
