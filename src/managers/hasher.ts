// Incremental sha256 whose state survives a dropped connection: hash-wasm's hasher can save its
// internal state and load it again, so a resumed download continues hashing where it stopped
// instead of re-reading gigabytes from IndexedDB.

import { createSHA256, type IHasher } from 'hash-wasm';

export interface ResumableHasher {
  update(bytes: Uint8Array): void;
  /** Opaque state after every byte given so far; store it with the chunk it covers. */
  save(): Uint8Array;
  /** Lower-case hex digest; the hasher is spent afterwards. */
  digest(): string;
}

export async function createSha256(state?: Uint8Array | null): Promise<ResumableHasher> {
  const hasher: IHasher = await createSHA256();
  hasher.init();
  if (state) hasher.load(state);
  return {
    update: (bytes) => void hasher.update(bytes),
    // hash-wasm returns a view into its own memory on some versions: copy before storing.
    save: () => hasher.save().slice(),
    digest: () => hasher.digest('hex'),
  };
}

/** Stands in for sha256 when a benchmark measures the download path without hashing. */
export function createNullHasher(): ResumableHasher {
  return { update: () => undefined, save: () => new Uint8Array(0), digest: () => '' };
}

/** sha256 of whole bytes, for tests and small files. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hasher = await createSha256();
  hasher.update(bytes);
  return hasher.digest();
}
