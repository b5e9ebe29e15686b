// Checkpoints in IndexedDB: the full checkpoint (weights, moments) in one store, its summary in
// another, written after it, so a listed run always has a complete checkpoint behind it (a tab
// closed mid-write leaves at worst an unlisted record, overwritten by the next save).

import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';
import { summarize, type CheckpointStore, type CheckpointSummary, type LoraCheckpoint } from '../../pipelines/train/dreambooth/checkpoint.ts';

export class IdbCheckpointStore implements CheckpointStore {
  private readonly full: UseStore;
  private readonly summaries: UseStore;

  constructor(prefix: string) {
    this.full = createStore(`${prefix}-train-checkpoints`, 'checkpoints');
    this.summaries = createStore(`${prefix}-train-runs`, 'runs');
  }

  async put(checkpoint: LoraCheckpoint): Promise<void> {
    await set(checkpoint.runId, checkpoint, this.full);
    await set(checkpoint.runId, summarize(checkpoint), this.summaries);
  }

  async get(runId: string): Promise<LoraCheckpoint | undefined> {
    if (!(await get<CheckpointSummary>(runId, this.summaries))) return undefined;
    return get<LoraCheckpoint>(runId, this.full);
  }

  async list(): Promise<CheckpointSummary[]> {
    return (await values<CheckpointSummary>(this.summaries)).sort((a, b) => b.savedAt - a.savedAt);
  }

  async delete(runId: string): Promise<void> {
    await del(runId, this.summaries);
    await del(runId, this.full);
  }
}
