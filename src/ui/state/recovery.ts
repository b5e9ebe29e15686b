// The ways on after a failure: which buttons an error's alert offers, by the error's code and the
// page whose job failed. Pure data, so the choices are tested without a page; failure.svelte.ts
// turns them into buttons that run the job again.
import type { ErrorCode } from '../../shared/errors.ts';
import type { Backend, BackendOverride } from '../../workers/api.ts';

export type RecoveryPage = 'generate' | 'post-process' | 'interrogate' | 'models' | 'train' | 'gallery';

export type RecoveryAction =
  | { id: 'retry'; label: string }
  | { id: 'wasm'; label: string }
  | { id: 'smaller-tiles'; label: string; tileSize: number }
  | { id: 'smaller-image'; label: string; batchSize: number; width: number; height: number };

/** What a page knows about the failed job, beyond the error. */
export interface RecoveryContext {
  page: RecoveryPage;
  /** Whether the page kept the job and can run it again; without it only Dismiss is offered. */
  canRetry: boolean;
  /** The backend override in Settings; null where the page cannot change it. */
  backend: BackendOverride | null;
  /** Post-process: the tile side asked for (null: the worker's default, 0: the whole image). */
  tileSize?: number | null;
  /** Post-process: the backend the job ran on, when its load was reported (picks the default tile). */
  ranOn?: Backend | null;
  /** Generate: the sizes that decide the memory a job needs. */
  image?: { batchSize: number; width: number; height: number };
}

/** The worker's default tile sides (workers/postprocess/upscale.ts), which the UI may not import. */
export const DEFAULT_TILE = { webgpu: 256, wasm: 128 } as const;
/** Below this, the 16-pixel context around each tile costs more than the tile itself. */
export const MIN_TILE = 64;
/** Below this, Stable Diffusion's pictures fall apart; a smaller image is no way on. */
export const MIN_SIDE = 256;
/** The sides the Generate page offers (features/generate/options.ts SIZES) from MIN_SIDE up. */
const SIDES = [256, 384, 448, 512, 576, 640, 704, 768, 832, 896, 960, 1024];

/** Codes where running the same job again can succeed: the fault was the machine's, not the input's. */
const RETRYABLE = new Set<ErrorCode>(['worker-crashed', 'out-of-memory', 'device-lost', 'backend-unavailable', 'network', 'internal']);
/** Codes the CPU (WASM) backend can get around: a GPU that failed or ran out of memory. */
const GPU_FAULTS = new Set<ErrorCode>(['device-lost', 'backend-unavailable', 'out-of-memory']);
/** Pages whose jobs can run on WASM (training needs WebGPU). */
const CPU_PAGES = new Set<RecoveryPage>(['generate', 'post-process', 'interrogate']);

/** Half the tile side used, never below MIN_TILE; null when it cannot get smaller. */
export function smallerTile(tileSize: number | null | undefined, ranOn: Backend | null = null): number | null {
  const used = tileSize ? tileSize : DEFAULT_TILE[ranOn ?? 'webgpu'];
  const half = Math.max(MIN_TILE, Math.floor(used / 2 / 16) * 16);
  return half < used ? half : null;
}

/**
 * A job that needs less memory: half the batch first (the batch runs at once, so memory grows with
 * it), then a smaller image (activations grow with the pixels). Null when it is as small as it goes.
 */
export function smallerImage(image: { batchSize: number; width: number; height: number }): { batchSize: number; width: number; height: number } | null {
  if (image.batchSize > 1) return { ...image, batchSize: Math.ceil(image.batchSize / 2) };
  // About half the pixels: each side by 1/√2, to the nearest size offered below it.
  const shrink = (side: number) => [...SIDES].reverse().find((s) => s <= Math.round(side / Math.SQRT2)) ?? Math.min(side, MIN_SIDE);
  const width = shrink(image.width);
  const height = shrink(image.height);
  return width < image.width || height < image.height ? { batchSize: 1, width, height } : null;
}

/** The ways on, most helpful first; Dismiss is always there besides these. */
export function recoveryActions(code: ErrorCode | null, context: RecoveryContext): RecoveryAction[] {
  if (code === null || !context.canRetry || !RETRYABLE.has(code)) return [];
  const actions: RecoveryAction[] = [];
  if (code === 'out-of-memory' && context.page === 'post-process') {
    const tileSize = smallerTile(context.tileSize, context.ranOn ?? null);
    if (tileSize !== null) actions.push({ id: 'smaller-tiles', label: `Try again with smaller tiles (${tileSize} px)`, tileSize });
  }
  if (code === 'out-of-memory' && context.page === 'generate' && context.image) {
    const smaller = smallerImage(context.image);
    if (smaller && smaller.batchSize < context.image.batchSize) actions.push({ id: 'smaller-image', label: `Try again with a batch of ${smaller.batchSize}`, ...smaller });
    else if (smaller) actions.push({ id: 'smaller-image', label: `Try again at ${smaller.width}×${smaller.height}`, ...smaller });
  }
  if (GPU_FAULTS.has(code) && CPU_PAGES.has(context.page) && context.backend !== null && context.backend !== 'wasm') {
    actions.push({ id: 'wasm', label: 'Try again on the CPU (WASM)' });
  }
  actions.push({ id: 'retry', label: 'Try again' });
  return actions;
}
