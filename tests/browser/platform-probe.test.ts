import { describe, expect, it } from 'vitest';
import { probePlatform } from '../../src/runtime/platform.ts';
import { WorkerHost } from '../../src/workers/client.ts';

describe('platform probe in Chromium', () => {
  it('finds the WebGPU adapter and its limits', async () => {
    const info = await probePlatform();
    expect(info.webgpuProblem).toBeNull();
    expect(info.gpu).not.toBeNull();
    expect(info.gpu!.limits.maxBufferSize).toBeGreaterThan(0);
    expect(info.gpu!.features).toEqual([...info.gpu!.features].sort());
    expect(typeof info.gpu!.shaderF16).toBe('boolean');
  });

  it('reports the backend from inside the system worker', async () => {
    const host = new WorkerHost({ idleMs: 50 });
    const report = await host.run('system', (system) => system.probe('auto'));
    expect(report.choice.backend).toBe('webgpu');
    expect(report.gpuName).toBeTruthy();
    expect(report.choice.reason).toContain(report.gpuName!);
    const forced = await host.run('system', (system) => system.probe('wasm'));
    expect(forced.choice.backend).toBe('wasm');
    // The idle timer releases the worker.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(host.isRunning('system')).toBe(false);
  });
});
