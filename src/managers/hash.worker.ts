// sha256 on its own thread for the chunk writer: the page (or model worker) keeps receiving and
// storing while this hashes. Messages are handled strictly in order, so a `save` answers with the
// state after exactly the bytes sent before it.

import { createSHA256, type IHasher } from 'hash-wasm';
import type { HashReply, HashRequest } from './hash-worker-client.ts';

const scope = self as unknown as { onmessage: ((event: MessageEvent<HashRequest>) => void) | null; postMessage(message: HashReply, transfer?: Transferable[]): void };
const ready: Promise<IHasher> = createSHA256().then((hasher) => {
  hasher.init();
  return hasher;
});
let queue: Promise<unknown> = ready;

function handle(hasher: IHasher, request: HashRequest): void {
  switch (request.type) {
    case 'load':
      hasher.load(request.state);
      return;
    case 'update':
      hasher.update(request.data);
      return;
    case 'save': {
      const state = hasher.save().slice();
      scope.postMessage({ id: request.id, state }, [state.buffer]);
      return;
    }
    case 'digest':
      scope.postMessage({ id: request.id, digest: hasher.digest('hex') });
      return;
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  queue = queue
    .then(() => ready)
    .then((hasher) => handle(hasher, request))
    .catch((error: unknown) => {
      if ('id' in request) scope.postMessage({ id: request.id, error: String(error) });
    });
};
