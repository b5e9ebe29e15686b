// What managers and pipelines use from the runtime. Everything ORT-specific stays behind it.

export { chooseBackend, choiceProblem, exactChoice, fallbackAfter, wasmThreads } from './backend-choice.ts';
export type { Backend, BackendChoice, BackendOverride, ChoiceRequest, Precision } from './backend-choice.ts';
export { describeGpu, getPlatform, probePlatform } from './platform.ts';
export type { GpuInfo, GpuLimits, PlatformInfo } from './platform.ts';
export type { ExternalDataFile, ModelFiles } from './ort.ts';
export { ModelSession, openSession } from './session.ts';
export type { OpenRequest, RunOptions, SessionInfo } from './session.ts';
export { SessionCache, sessions } from './session-cache.ts';
export { RunQueue, runQueue, untilAborted } from './run-queue.ts';
export { elementCount, float32, tensor } from './tensor.ts';
export type { TensorArray, TensorArrays, TensorData, TensorType } from './tensor.ts';
export { float16ToFloat32, float32ToFloat16, fromHalf, toHalf } from './float16.ts';
