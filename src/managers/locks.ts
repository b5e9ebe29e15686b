// One writer per model across tabs: two tabs downloading the same model must not interleave
// chunks. Web Locks serialize them across every tab and worker of the origin; where Web Locks are
// missing (Node tests) an in-process queue gives the same guarantee within one process.

interface LockManagerLike {
  request<T>(name: string, options: { mode: 'exclusive'; signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

const local = new Map<string, Promise<unknown>>();

function webLocks(): LockManagerLike | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as { locks?: LockManagerLike }).locks;
}

export async function withModelLock<T>(model: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  const name = `nataili-model:${model}`;
  const locks = webLocks();
  if (locks) return locks.request(name, signal ? { mode: 'exclusive', signal } : { mode: 'exclusive' }, work);
  const previous = local.get(name) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => {
    signal?.throwIfAborted();
    return work();
  });
  const tail = run.catch(() => undefined);
  local.set(name, tail);
  try {
    return await run;
  } finally {
    if (local.get(name) === tail) local.delete(name);
  }
}
