// One typed union for every progress report, from download to the last denoising step.
// Passed as a callback through loaders and pipelines, and across workers as a Comlink proxy.

export type ProgressEvent =
  | { kind: 'download'; file: string; loaded: number; total: number; bytesPerSecond: number }
  | { kind: 'load'; model: string; backend: string }
  | { kind: 'step'; index: number; count: number }
  | { kind: 'tile'; index: number; count: number }
  | { kind: 'preview'; width: number; height: number; rgba: Uint8ClampedArray }
  | { kind: 'done' };

export type ProgressCallback = (event: ProgressEvent) => void;

/** Throws the AbortSignal's reason when the job was cancelled; pipelines call it between steps. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}
