// Turns byte counts into the download progress events the UI shows: per file and for the whole
// model, with a rate over the last few seconds (not since the start, which a resume would skew)
// and an ETA. Throttled, because a fast local stream reads thousands of pieces a second.

import type { ProgressCallback } from '../shared/progress.ts';

const WINDOW_MS = 3000;
const EMIT_EVERY_MS = 100;

export class ProgressMeter {
  private finished = 0;
  private samples: { at: number; bytes: number }[] = [];
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly model: string,
    /** Bytes of every file of the model; null when a size is unknown. */
    private readonly overallTotal: number | null,
    private readonly emit: ProgressCallback | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  fileDone(bytes: number): void {
    this.finished += bytes;
  }

  update(file: string, loaded: number, total: number | null): void {
    const at = this.now();
    const overallLoaded = this.finished + loaded;
    this.samples.push({ at, bytes: overallLoaded });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const fileDone = total !== null && loaded >= total;
    if (!this.emit || (!fileDone && at - this.lastEmit < EMIT_EVERY_MS)) return;
    this.lastEmit = at;
    const first = this.samples[0]!;
    const seconds = (at - first.at) / 1000;
    // A resumed download jumps to the stored count on its first sample: the window starts after it.
    const bytesPerSecond = seconds > 0 ? Math.max(0, (overallLoaded - first.bytes) / seconds) : 0;
    const remaining = this.overallTotal === null ? null : Math.max(0, this.overallTotal - overallLoaded);
    const etaSeconds = remaining === null ? null : remaining === 0 ? 0 : bytesPerSecond > 0 ? remaining / bytesPerSecond : null;
    this.emit({
      kind: 'download',
      model: this.model,
      file,
      loaded,
      total: total ?? 0,
      bytesPerSecond,
      etaSeconds,
      overallLoaded,
      overallTotal: this.overallTotal ?? 0,
    });
  }
}
