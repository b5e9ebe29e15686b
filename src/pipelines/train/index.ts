// Training in the browser: DreamBooth-LoRA over our kernels (or the CPU references), EveryDream
// datasets, the aesthetic predictor's head. The train worker uses these; tests drive them directly.
export type { TrainBackend, TrainOps, StepScope, Optimizer } from './graph/backend.ts';
export { CpuBackend } from './graph/cpu-backend.ts';
export { GpuBackend } from './graph/gpu-backend.ts';
export { NATAILI_LORA, type LoraConfig, type LoraLayer } from './lora/lora.ts';
export { exportLora } from './lora/export.ts';
export { dreamBoothConfig, NATAILI_DREAMBOOTH, type DreamBoothConfig } from './dreambooth/config.ts';
export { DreamBoothRun, type BatchSource, type RunControl, type RunOutcome } from './dreambooth/run.ts';
export { MemoryCheckpointStore, type CheckpointStore, type LoraCheckpoint } from './dreambooth/checkpoint.ts';
export { dreamBoothStepCost } from './dreambooth/cost.ts';
export { scanDataset, type DatasetFile, type DatasetItem } from './dataset/scan.ts';
export { EveryDreamSchedule } from './dataset/schedule.ts';
export { fixtureUnetLayout, sd1UnetLayout, type UnetLayout } from './unet/layout.ts';
export { trainPredictor, NATAILI_PREDICTOR } from './predictor/train.ts';
export { exportPredictor } from './predictor/export.ts';
export { HEADS } from './predictor/architecture.ts';
