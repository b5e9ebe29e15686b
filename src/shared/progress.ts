// One typed union for every progress report, from download to the last denoising step.
// Passed as a callback through loaders and pipelines, and across workers as a Comlink proxy.

export type ProgressEvent =
  | {
      kind: 'download';
      file: string;
      loaded: number;
      total: number;
      bytesPerSecond: number;
      /** The model the file belongs to, and seconds left for all of its files (null: not known yet). */
      model?: string;
      etaSeconds?: number | null;
      /** Bytes of every file of the model: stored so far, and in all (0 when a size is unknown). */
      overallLoaded?: number;
      overallTotal?: number;
    }
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
