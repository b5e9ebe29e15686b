// The chunk writer's hasher: sha256 either on this thread or in hash.worker.ts. In the worker,
// hashing (hash-wasm runs at ~130 MB/s here) overlaps receiving and storing instead of adding to
// them. save() and digest() are promises: the worker answers once it has hashed everything sent
// before the question, and the writer records that state only with the chunk it covers.

import { createNullHasher, createSha256, type ResumableHasher } from './hasher.ts';

export type HashRequest =
  | { type: 'load'; state: Uint8Array }
  | { type: 'update'; data: Uint8Array }
  | { type: 'save'; id: number }
  | { type: 'digest'; id: number };

export type HashReply = { id: number; state: Uint8Array } | { id: number; digest: string } | { id: number; error: string };

export interface StreamHasher {
  update(bytes: Uint8Array): void;
  save(): Promise<Uint8Array>;
  digest(): Promise<string>;
  dispose(): void;
}

function inThread(hasher: ResumableHasher): StreamHasher {
  return {
    update: (bytes) => hasher.update(bytes),
    save: async () => hasher.save(),
    digest: async () => hasher.digest(),
    dispose: () => undefined,
  };
}

class WorkerHasher implements StreamHasher {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(reply: HashReply): void; reject(error: Error): void }>();

  constructor(
    private readonly worker: Worker,
    state: Uint8Array | null,
  ) {
    if (state) {
      const copy = state.slice();
      worker.postMessage({ type: 'load', state: copy } satisfies HashRequest, [copy.buffer]);
    }
    worker.onmessage = (event: MessageEvent<HashReply>) => {
      const entry = this.waiting.get(event.data.id);
      this.waiting.delete(event.data.id);
      entry?.resolve(event.data);
    };
    worker.onerror = (event) => this.failAll(new Error(`The hashing worker failed: ${event.message}`));
  }

  private failAll(error: Error): void {
    for (const entry of this.waiting.values()) entry.reject(error);
    this.waiting.clear();
  }

  private ask(type: 'save' | 'digest'): Promise<HashReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type, id } satisfies HashRequest);
    });
  }

  update(bytes: Uint8Array): void {
    // A copy is moved, not shared: the caller keeps writing into its own buffer.
    const data = bytes.slice();
    this.worker.postMessage({ type: 'update', data } satisfies HashRequest, [data.buffer]);
  }

  async save(): Promise<Uint8Array> {
    const reply = await this.ask('save');
    if ('error' in reply) throw new Error(reply.error);
    if (!('state' in reply)) throw new Error('The hashing worker answered save without a state.');
    return reply.state;
  }

  async digest(): Promise<string> {
    const reply = await this.ask('digest');
    if ('error' in reply) throw new Error(reply.error);
    if (!('digest' in reply)) throw new Error('The hashing worker answered digest without a digest.');
    return reply.digest;
  }

  dispose(): void {
    this.failAll(new Error('The hashing worker was stopped.'));
    this.worker.terminate();
  }
}

export interface StreamHasherOptions {
  /** Only benchmarks turn hashing off. */
  hashing?: boolean;
  /** Hash in a worker (where Worker exists); small files hash faster here than a worker starts. */
  inWorker?: boolean;
}

export async function createStreamHasher(state: Uint8Array | null, options: StreamHasherOptions = {}): Promise<StreamHasher> {
  if (options.hashing === false) return inThread(createNullHasher());
  if (options.inWorker && typeof Worker !== 'undefined') {
    return new WorkerHasher(new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' }), state);
  }
  return inThread(await createSha256(state));
}
