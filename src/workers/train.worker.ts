// The train worker: DreamBooth-LoRA and the aesthetic predictor. Thin: each method goes to the
// LoRA or predictor runs (train/*.ts), which train in the background of this worker.
import type { TrainApi } from './api.ts';
import { exposeJobs } from './expose.ts';
import { IdbCheckpointStore } from './train/checkpoints.ts';
import { LoraRuns, scan } from './train/lora-runs.ts';
import { databasePrefix, listModels, useFiles } from './train/models.ts';
import { PredictorRuns } from './train/predictor-runs.ts';

const store = new IdbCheckpointStore(databasePrefix);
const lora = new LoraRuns(store);
const predictor = new PredictorRuns();

exposeJobs<TrainApi>({
  models: () => listModels(),
  useFiles: (_context, name, files) => useFiles(name, files),
  scanDataset: (_context, files, resolution) => scan(files, resolution),
  startLora: (_context, request) => lora.start(request),
  resumeLora: (_context, runId, files) => lora.resume(runId, files),
  status: (_context, since) => ({ lora: lora.snapshot(since ?? 0), predictor: predictor.snapshot() }),
  pause: () => lora.pause(),
  stop: () => lora.pause(true),
  runs: () => store.list(),
  deleteRun: (_context, runId) => store.delete(runId),
  exportLora: (_context, runId, precision) => lora.export(runId, precision),
  clipModels: () => predictor.clipModels(),
  preparePredictor: (_context, request) => predictor.prepare(request),
  trainPredictor: (_context, request) => predictor.train(request),
  stopPredictor: () => predictor.stop(),
  exportPredictor: (_context, name) => predictor.export(name),
});
