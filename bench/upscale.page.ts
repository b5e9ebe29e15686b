// Browser side of bench/upscale.ts: the app's own post-process worker (WorkerHost → worker →
// manager → session → tiled pipeline), on a synthetic picture made here. Each call upscales once
// and returns the worker's timings, so Node can interleave and summarise.

import type { BackendOverride, PostProcessResult } from '../src/workers/api.ts';
import { WorkerHost } from '../src/workers/client.ts';

export interface UpscaleRun {
  /** Model inference with tiling, as the worker timed it (no decode, no encode, no transfer). */
  runMs: number;
  /** The whole call seen from the page: transfer both ways included. */
  callMs: number;
  tiles: number;
  largestTile: [number, number] | null;
  backend: string;
  reason: string;
  width: number;
  height: number;
}

export interface UpscalePage {
  /** Applies the backend and upscales once (installing the built-in model on first use). */
  prepare(model: string, backend: BackendOverride): Promise<UpscaleRun>;
  upscale(model: string, side: number, tileSize: number | null): Promise<UpscaleRun>;
  dispose(): void;
}

const host = new WorkerHost({ idleMs: 30 * 60_000 });

/** Smooth gradients with sharp stripes: content does not change the cost, but keep it picture-like. */
function picture(side: number): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y * side + x) * 4;
      const stripe = (Math.floor(x / 9) + Math.floor(y / 13)) % 2 === 0 ? 50 : 0;
      data[i] = (x * 255) / side;
      data[i + 1] = (y * 255) / side - stripe;
      data[i + 2] = 120 + stripe;
      data[i + 3] = 255;
    }
  }
  return { width: side, height: side, data };
}

function summary(result: PostProcessResult, callMs: number): UpscaleRun {
  const { tiles, largestTile, backend, reason, width, height } = result;
  return { runMs: result.timings.run, callMs, tiles, largestTile, backend, reason, width, height };
}

async function upscale(model: string, side: number, tileSize: number | null): Promise<UpscaleRun> {
  const image = picture(side);
  const start = performance.now();
  const result = await host.call('postprocess', 'upscale', [image, { model, output: 'rgba', ...(tileSize === null ? {} : { tileSize }) }]);
  return summary(result, performance.now() - start);
}

const page: UpscalePage = {
  async prepare(model, backend) {
    await host.configure({ backend });
    return upscale(model, 32, null);
  },
  upscale,
  dispose() {
    host.releaseAll();
  },
};

Object.assign(globalThis, { bench: page, benchReady: true });
