// Stores one file's bytes as chunks and hashes them, for downloads and imports alike.
// Bytes are hashed as they arrive and collect in a chunk-sized buffer; a full chunk is stored and
// then the file record (byte count, chunk count, the hasher state taken when the chunk was cut)
// is updated. So the record never claims more than is stored, and a resumed writer continues
// hashing from the saved state. One chunk is written while the next one fills (IndexedDB works
// off the main thread), never more, so a crash leaves at most one chunk past the record.

import { chunkKey, chunkKeysOf, deleteFile, fileKey, type FileRecord, type ManifestFile, type ModelCache } from './cache.ts';
import { IntegrityError, formatBytes } from './errors.ts';
import { createStreamHasher, type StreamHasher } from './hash-worker-client.ts';

export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
// Below this a worker costs more to start than hashing on this thread does.
const HASH_WORKER_MIN_BYTES = 16 * 1024 * 1024;

export interface WriterOptions {
  cache: ModelCache;
  /** fileKey(model, fileName). */
  key: string;
  /** Where the bytes come from (a URL, or "import:<name>"): a record from another source restarts. */
  source: string;
  expectedSha256: string | null;
  expectedSize: number | null;
  chunkSize?: number;
  /** Only benchmarks turn this off, to measure what hashing costs. */
  hashing?: boolean;
  /** Hash in a worker; by default files of unknown size or over 16 MB do (where Worker exists). */
  hashInWorker?: boolean;
}

function hasherOptions(options: WriterOptions) {
  const large = options.expectedSize === null || options.expectedSize >= HASH_WORKER_MIN_BYTES;
  return { hashing: options.hashing, inWorker: options.hashInWorker ?? large };
}

export class ChunkWriter {
  private buffer: Uint8Array;
  private buffered = 0;
  /** The chunk being stored, with its record; settled before the next one starts. */
  private pending: Promise<void> | null = null;
  private inflight = 0;
  /** A failed store: the writer is unusable (its hasher ran ahead of what was stored). */
  private failed: unknown = null;

  private constructor(
    private readonly options: WriterOptions,
    private record: FileRecord,
    private hasher: StreamHasher,
  ) {
    this.buffer = new Uint8Array(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  }

  /** Opens a file for writing, resuming its record when it came from the same source. */
  static async open(options: WriterOptions): Promise<ChunkWriter> {
    const { cache, key } = options;
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    let record = await cache.files.get(key);
    const sameSource =
      record !== undefined &&
      !record.complete &&
      record.url === options.source &&
      record.expectedSha256 === options.expectedSha256 &&
      record.expectedSize === options.expectedSize &&
      (record.bytes === 0 || record.hasherState !== null);
    if (record && !sameSource) {
      await deleteFile(cache, key);
      record = undefined;
    }
    if (record) {
      // A crash between storing a chunk and its record leaves one chunk past the count.
      await cache.chunks.delete(chunkKey(key, record.chunks));
    } else {
      record = ChunkWriter.freshRecord(options);
      await cache.files.put(key, record);
    }
    const hasher = await createStreamHasher(record.hasherState, hasherOptions(options));
    return new ChunkWriter(options, record, hasher);
  }

  private static freshRecord(options: WriterOptions): FileRecord {
    return {
      url: options.source,
      expectedSha256: options.expectedSha256,
      expectedSize: options.expectedSize,
      bytes: 0,
      chunks: 0,
      hasherState: null,
      complete: false,
      sha256: null,
      updatedAt: Date.now(),
    };
  }

  /** Bytes safely stored (what a resumed download asks the server for next). */
  get storedBytes(): number {
    return this.record.bytes;
  }

  /** Stored, in-flight and buffered bytes: everything received. */
  get bytes(): number {
    return this.record.bytes + this.inflight + this.buffered;
  }

  async write(piece: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < piece.byteLength) {
      const take = Math.min(piece.byteLength - offset, this.buffer.byteLength - this.buffered);
      const part = piece.subarray(offset, offset + take);
      // Hash exactly what enters this chunk, so the state saved when it is cut covers it alone.
      this.hasher.update(part);
      this.buffer.set(part, this.buffered);
      this.buffered += take;
      offset += take;
      if (this.buffered === this.buffer.byteLength) await this.startStore();
    }
  }

  /** Hands the buffer to IndexedDB after the previous chunk is stored; does not wait for it. */
  private async startStore(): Promise<void> {
    await this.settle();
    if (this.buffered === 0) return;
    const full = this.buffered === this.buffer.byteLength;
    // A full buffer is handed over whole and replaced; a partial one is copied out.
    const data = full ? this.buffer : this.buffer.slice(0, this.buffered);
    if (full) this.buffer = new Uint8Array(this.buffer.byteLength);
    this.buffered = 0;
    const { cache, key } = this.options;
    const index = this.record.chunks;
    // Asked now, answered once the hasher has seen exactly the bytes of this and earlier chunks.
    const state = this.hasher.save();
    state.catch(() => undefined);
    const base = this.record;
    this.inflight = data.byteLength;
    this.pending = (async () => {
      await cache.chunks.put(chunkKey(key, index), data);
      const next: FileRecord = { ...base, bytes: base.bytes + data.byteLength, chunks: index + 1, hasherState: await state, updatedAt: Date.now() };
      await cache.files.put(key, next);
      // Together, so `bytes` never counts this chunk twice.
      this.record = next;
      this.inflight = 0;
    })();
    // A failure surfaces at the next settle(); until then it must not count as unhandled.
    this.pending.catch(() => undefined);
  }

  private async settle(): Promise<void> {
    if (this.failed) throw this.failed;
    const pending = this.pending;
    if (!pending) return;
    try {
      await pending;
    } catch (error) {
      this.failed = error;
      throw error;
    } finally {
      this.pending = null;
      this.inflight = 0;
    }
  }

  /** Stores buffered bytes as a chunk, short if need be, and waits until all is stored. */
  async flush(): Promise<void> {
    await this.startStore();
    await this.settle();
  }

  /** Forgets everything stored (the server ignored a Range request), keeping the same source. */
  async restart(): Promise<void> {
    const { cache, key } = this.options;
    await this.settle();
    await deleteFile(cache, key);
    this.record = ChunkWriter.freshRecord(this.options);
    this.buffered = 0;
    await cache.files.put(key, this.record);
    this.hasher.dispose();
    this.hasher = await createStreamHasher(null, hasherOptions(this.options));
  }

  /** Stores the rest, checks size and hash; on a mismatch deletes the file and throws IntegrityError. */
  async finish(label: string): Promise<FileRecord> {
    await this.flush();
    const { cache, key, expectedSize, expectedSha256 } = this.options;
    const size = this.record.bytes;
    if (expectedSize !== null && size !== expectedSize) {
      await this.discard();
      throw new IntegrityError(`${label} has ${formatBytes(size)} (${size} bytes), but ${expectedSize} bytes were expected. The partial file was deleted; download it again.`);
    }
    const sha256 = this.options.hashing === false ? (expectedSha256 ?? '') : await this.hasher.digest();
    this.dispose();
    if (expectedSha256 !== null && sha256 !== expectedSha256) {
      await this.discard();
      throw new IntegrityError(
        `${label} is corrupt: its sha256 is ${sha256}, but ${expectedSha256} was expected. Its stored chunks were deleted; ` +
          'download it again, or check that the catalog URL serves the right file.',
      );
    }
    this.record = { ...this.record, complete: true, sha256, hasherState: null, updatedAt: Date.now() };
    await cache.files.put(key, this.record);
    return this.record;
  }

  /** Stops the hasher (its worker); the writer is done. Safe to call more than once. */
  dispose(): void {
    this.hasher.dispose();
  }

  /** Deletes every chunk and the record of this file. */
  async discard(): Promise<void> {
    this.buffered = 0;
    await this.settle().catch(() => undefined);
    this.dispose();
    await deleteFile(this.options.cache, this.options.key);
  }
}

/** Reads a stored file back, chunk by chunk (a stream for the runtime, or a re-hash by validate). */
export async function* readChunks(cache: ModelCache, key: string, count: number): AsyncGenerator<Uint8Array> {
  for (const chunk of chunkKeysOf(key, count)) {
    const data = await cache.chunks.get(chunk);
    if (!data) throw new IntegrityError(`Chunk ${chunk} is missing from the model cache. Remove the model and download it again.`);
    yield data;
  }
}

/** One stored file as a single buffer (what ORT's session creation takes), built chunk by chunk. */
export async function readStoredFile(cache: ModelCache, model: string, file: ManifestFile, signal?: AbortSignal): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  let offset = 0;
  for await (const chunk of readChunks(cache, fileKey(model, file.fileName), file.chunks)) {
    signal?.throwIfAborted();
    if (offset + chunk.byteLength > file.size) break;
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== file.size) {
    throw new IntegrityError(`${model} ${file.fileName}: ${offset} bytes are stored, but the manifest says ${file.size}. Remove the model and download it again.`);
  }
  return bytes;
}
