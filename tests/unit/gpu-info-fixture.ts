// A GPU as the platform probe describes one, for the backend-choice tests: an ordinary
// adapter whose only variable is shader-f16.
import type { GpuInfo } from '../../src/runtime/platform.ts';

export const fakeGpu = (shaderF16: boolean): GpuInfo => ({
  vendor: 'acme',
  architecture: 'rdna',
  device: '',
  description: '',
  isFallbackAdapter: false,
  shaderF16,
  features: shaderF16 ? ['shader-f16'] : [],
  limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 256 },
});
