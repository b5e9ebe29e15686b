// Streams one file into the chunk store: HTTP Range to resume from the last stored chunk, a
// restart when the server ignores Range, bounded retries with backoff, a stall timeout, an HTML
// sniff (a single-page app's fallback page served in place of the model) and abort at any point.

import { CancelledError } from '../shared/errors.ts';
import type { FileRecord, ModelCache } from './cache.ts';
import { IntegrityError, NetworkError, NotFoundError, formatBytes } from './errors.ts';
import { ChunkWriter } from './writer.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FileDownloadOptions {
  cache: ModelCache;
  key: string;
  url: string;
  /** How the file is named in messages: "ViT-B/32 vision_model.onnx". */
  label: string;
  expectedSha256: string | null;
  expectedSize: number | null;
  chunkSize?: number;
  hashing?: boolean;
  hashInWorker?: boolean;
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Failed attempts in a row (without new bytes) before giving up. */
  retries?: number;
  retryDelayMs?: number;
  /** No byte for this long aborts the attempt (and retries). */
  stallMs?: number;
  onBytes?: (loaded: number, total: number | null) => void;
}

/** An attempt that may not be retried: the file is wrong or gone, not the connection. */
class FinalError extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

// Never loop forever, even against a server that makes a little progress on every attempt.
const MAX_ATTEMPTS = 200;

export async function downloadFile(options: FileDownloadOptions): Promise<FileRecord> {
  const existing = await options.cache.files.get(options.key);
  // A complete file (downloaded or imported) counts when its hash is the one asked for.
  if (existing?.complete && (options.expectedSha256 === null || existing.sha256 === options.expectedSha256)) return existing;
  const writer = await ChunkWriter.open({
    cache: options.cache,
    key: options.key,
    source: options.url,
    expectedSha256: options.expectedSha256,
    expectedSize: options.expectedSize,
    chunkSize: options.chunkSize,
    hashing: options.hashing,
    hashInWorker: options.hashInWorker,
  });
  try {
    return await attempts(options, writer);
  } finally {
    writer.dispose();
  }
}

async function attempts(options: FileDownloadOptions, writer: ChunkWriter): Promise<FileRecord> {
  const retries = options.retries ?? 3;
  let failures = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const before = writer.storedBytes;
    try {
      options.signal?.throwIfAborted();
      await attemptOnce(options, writer);
      return await writer.finish(options.label);
    } catch (error) {
      // Keep every byte received so far: the next attempt (or a later download) resumes after it.
      if (!(error instanceof FinalError)) await writer.flush();
      if (options.signal?.aborted) throw new CancelledError(`Download of ${options.label} cancelled; it resumes where it stopped.`);
      if (error instanceof FinalError) {
        await writer.discard();
        throw error.error;
      }
      if (!(error instanceof NetworkError)) throw error;
      failures = writer.storedBytes > before ? 1 : failures + 1;
      if (failures > retries) throw error;
      await sleep(Math.min(30_000, (options.retryDelayMs ?? 500) * 2 ** (failures - 1)), options.signal);
    }
  }
  throw new NetworkError(`Gave up on ${options.label} after ${MAX_ATTEMPTS} attempts; try again later.`);
}

async function attemptOnce(options: FileDownloadOptions, writer: ChunkWriter): Promise<void> {
  const { label } = options;
  const start = writer.storedBytes;
  const controller = new AbortController();
  const abort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abort, { once: true });
  const stallMs = options.stallMs ?? 30_000;
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };
  const networkError = (what: string, cause?: unknown) =>
    new NetworkError(stalled ? `${label}: no data for ${Math.round(stallMs / 1000)} s; the download will resume from ${formatBytes(writer.storedBytes)}.` : `${label}: ${what}. Check the connection; the download resumes from the last stored chunk.`, { cause });
  try {
    arm();
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(options.url, {
        headers: start > 0 ? { Range: `bytes=${start}-` } : {},
        signal: controller.signal,
        cache: 'no-store',
      });
    } catch (error) {
      throw networkError('the server could not be reached', error);
    }
    const { total, sizeProblem } = await checkResponse(options, writer, response, start);
    const reader = response.body?.getReader();
    if (!reader) throw networkError('the response had no body');
    let sniffed = writer.bytes > 0;
    try {
      for (;;) {
        arm();
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          throw networkError('the connection dropped', error);
        }
        if (result.done) break;
        if (!sniffed) {
          sniffed = true;
          // An HTML page is named as such, even when its size already gave it away.
          if (looksLikeHtml(result.value)) throw new FinalError(htmlError(label));
        }
        if (sizeProblem) throw sizeProblem;
        // Storing a chunk is our own time, not the server's: no stall is counted meanwhile.
        clearTimeout(timer);
        await writer.write(result.value);
        if (options.expectedSize !== null && writer.bytes > options.expectedSize) {
          throw new FinalError(new IntegrityError(`${label}: the server sent more than the ${options.expectedSize} bytes the catalog gives. Nothing was kept.`));
        }
        options.onBytes?.(writer.bytes, total);
      }
    } finally {
      reader.releaseLock();
    }
    if (sizeProblem) throw sizeProblem;
    if (total !== null && writer.bytes < total) {
      throw networkError(`the connection closed after ${formatBytes(writer.bytes)} of ${formatBytes(total)}`);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
  }
}

interface Checked {
  /** Full size of the file, when the server says it. */
  total: number | null;
  /** A size that contradicts the catalog; thrown after the first bytes are sniffed. */
  sizeProblem: FinalError | null;
}

/** Checks status and headers. */
async function checkResponse(options: FileDownloadOptions, writer: ChunkWriter, response: Response, start: number): Promise<Checked> {
  const { label } = options;
  const status = response.status;
  if (status === 404 || status === 410) throw new FinalError(new NotFoundError(`${label} was not found at ${options.url} (HTTP ${status}). The catalog entry may be out of date.`));
  if (status === 416) {
    // What we stored does not fit the server's file: start over.
    await writer.restart();
    throw new NetworkError(`${label}: the server refused to resume (HTTP 416); starting again.`, { status });
  }
  if (status === 408 || status === 429 || status >= 500) throw new NetworkError(`${label}: the server answered HTTP ${status}. Try again later; the download resumes where it stopped.`, { status });
  if (status >= 400) throw new FinalError(new NotFoundError(`${label}: the server refused the download (HTTP ${status}).`));
  if (status !== 200 && status !== 206) throw new NetworkError(`${label}: unexpected HTTP ${status}.`, { status });
  if ((response.headers.get('content-type') ?? '').toLowerCase().includes('text/html')) throw new FinalError(htmlError(label));

  let total: number | null = null;
  if (status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== start) {
      await writer.restart();
      throw new NetworkError(`${label}: the server answered a resume with the wrong range; starting again.`, { status });
    }
    total = range[3] === '*' ? null : Number(range[3]);
  } else {
    // 200 to a Range request: the server ignores Range, so the body starts at byte 0.
    if (start > 0) await writer.restart();
    const length = response.headers.get('content-length');
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    total = length !== null && !encoded ? Number(length) : null;
  }
  const sizeProblem =
    total !== null && options.expectedSize !== null && total !== options.expectedSize
      ? new FinalError(new IntegrityError(`${label}: the server offers ${total} bytes, but the catalog says ${options.expectedSize}. Nothing was kept; the catalog entry or the URL is wrong.`))
      : null;
  return { total, sizeProblem };
}

function htmlError(label: string): NotFoundError {
  return new NotFoundError(`${label}: the server sent a web page instead of the model file (often a missing file behind a site's fallback page). Check the URL in the catalog.`);
}

/** True when the first bytes are an HTML document, not a model (ONNX is protobuf; JSON starts with { or [). */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body') || (head.startsWith('<!--') && head.includes('<html'));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const done = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
