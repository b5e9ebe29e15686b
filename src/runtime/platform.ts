// What this browser (or worker) offers for inference: a WebGPU adapter and its limits,
// shader-f16, cross-origin isolation (WASM threads) and the number of cores.

export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

export interface GpuInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  shaderF16: boolean;
  features: string[];
  limits: GpuLimits;
}

export interface PlatformInfo {
  /** null when there is no usable WebGPU adapter; `webgpuProblem` then says why. */
  gpu: GpuInfo | null;
  webgpuProblem: string | null;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

/** The parts of the global scope the probe reads; tests hand in their own. */
export interface ProbeScope {
  /** Absent in Node 20, where unit tests and benchmarks run the runtime. */
  navigator?: { gpu?: GPU; hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
}

let platformPromise: Promise<PlatformInfo> | undefined;
let probedAdapter: GPUAdapter | null = null;

/**
 * The platform of this realm, probed once: every session a worker opens sees the same answer,
 * and ORT is handed the very adapter that was probed (so shader-f16 means what we checked).
 */
export function getPlatform(): Promise<PlatformInfo> {
  platformPromise ??= probePlatform();
  return platformPromise;
}

/** The adapter the last probe of this realm found; null before a probe or without WebGPU. */
export function adapterFromProbe(): GPUAdapter | null {
  return probedAdapter;
}

export function describeGpu(gpu: GpuInfo): string {
  const name = [gpu.vendor, gpu.architecture, gpu.device, gpu.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return gpu.isFallbackAdapter ? `${name} (software)` : name;
}

export async function probePlatform(scope: ProbeScope = globalThis as unknown as ProbeScope): Promise<PlatformInfo> {
  const crossOriginIsolated = scope.crossOriginIsolated === true;
  const hardwareConcurrency = scope.navigator?.hardwareConcurrency ?? 1;
  const base = { crossOriginIsolated, hardwareConcurrency };
  const gpuApi = scope.navigator?.gpu;
  if (!gpuApi) {
    return { ...base, gpu: null, webgpuProblem: 'this browser has no WebGPU (navigator.gpu is missing)' };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpuApi.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ...base, gpu: null, webgpuProblem: `requesting a WebGPU adapter failed: ${String(error)}` };
  }
  if (!adapter) {
    return { ...base, gpu: null, webgpuProblem: 'WebGPU is present but offered no adapter (blocklisted or disabled GPU)' };
  }
  if (scope === globalThis) probedAdapter = adapter;
  const info = adapter.info;
  const features = [...adapter.features].sort();
  const gpu: GpuInfo = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    // Older browsers report fallback on the adapter, newer ones on its info.
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    shaderF16: adapter.features.has('shader-f16'),
    features,
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    },
  };
  return { ...base, gpu, webgpuProblem: null };
}
