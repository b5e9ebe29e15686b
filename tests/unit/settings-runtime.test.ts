// The Settings page's precision and WASM threads reach the runtime: a worker's SessionCache picks
// with them, and the backend choice honours a thread count within the machine's cores.
import { describe, expect, it } from 'vitest';
import { chooseBackend, wasmThreads } from '../../src/runtime/backend-choice.ts';
import type { PlatformInfo } from '../../src/runtime/platform.ts';
import { SessionCache } from '../../src/runtime/session-cache.ts';
import { tinyConvModel, tinySpec } from '../browser/workers/tiny-conv.ts';

const isolated: PlatformInfo = { gpu: null, webgpuProblem: 'none here', crossOriginIsolated: true, hardwareConcurrency: 8 };

describe('settings in the runtime', () => {
  it('takes the thread count the user set, within the cores, and 1 without isolation', () => {
    expect(wasmThreads(isolated)).toBe(4);
    expect(wasmThreads(isolated, 6)).toBe(6);
    expect(wasmThreads(isolated, 64)).toBe(8);
    expect(wasmThreads({ ...isolated, crossOriginIsolated: false }, 6)).toBe(1);
    expect(chooseBackend(isolated, { threads: 2 })).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(chooseBackend(isolated, { threads: 2 }).reason).toMatch(/^WASM \(2 threads\)/);
  });

  it('opens sessions with the configured precision and threads, and reopens when precision changes', async () => {
    const cache = new SessionCache(async () => isolated);
    const files = () => ({ model: tinyConvModel(tinySpec, 'fp32') });
    await cache.configure({ override: 'wasm', precision: 'fp32', threads: 1 });
    const first = await cache.get({ modelId: 'tiny', variants: ['fp32', 'q8'], files });
    expect(first.choice).toMatchObject({ backend: 'wasm', precision: 'fp32' });
    await cache.configure({ override: 'wasm', precision: 'fp32', threads: 1 });
    expect(cache.list()).toHaveLength(1);
    await cache.configure({ override: 'wasm', precision: 'auto', threads: 'auto' });
    expect(cache.list()).toHaveLength(0);
  });
});
