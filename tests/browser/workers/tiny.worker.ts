// A test-only model-type worker: handlers over the runtime's session cache, exposed with exposeJobs.
import { sessions } from '../../../src/runtime/session-cache.ts';
import type { Precision } from '../../../src/runtime/backend-choice.ts';
import { throwIfAborted } from '../../../src/shared/progress.ts';
import { exposeJobs, type JobContext } from '../../../src/workers/expose.ts';
import type { InferRequest, JobRecord, TinyApi } from './tiny-api.ts';

const held = new Map<string, Partial<Record<Precision, Uint8Array>>>();
let last: JobRecord | null = null;
let kept: Float32Array | null = null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(context: JobContext, modelId: string, request: InferRequest = {}) {
  const variants = held.get(modelId);
  if (!variants) throw new Error(`No bytes for ${modelId}; call load first.`);
  return sessions.get({
    modelId,
    variants: Object.keys(variants) as Precision[],
    files: (precision) => ({ model: variants[precision]! }),
    onProgress: context.progress,
    ...request,
  });
}

function record(method: string): JobRecord {
  last = { method, steps: 0, outcome: 'running' };
  return last;
}

exposeJobs<TinyApi>({
  load(_context, modelId, variants) {
    held.set(modelId, variants);
  },

  async infer(context, modelId, input, request) {
    const session = await open(context, modelId, request);
    const { out } = await session.run({ image: input }, { signal: context.signal });
    context.progress({ kind: 'done' });
    const { backend, precision, reason } = session.choice;
    return { output: out!, backend, precision, reason };
  },

  async steps(context, modelId, input, count, stepMs) {
    const job = record('steps');
    try {
      // WASM: a fresh WebGPU device and its shaders cost seconds on the software adapter.
      const session = await open(context, modelId, { override: 'wasm' });
      let output = input;
      for (let i = 0; i < count; i++) {
        throwIfAborted(context.signal);
        output = (await session.run({ image: input }, { signal: context.signal })).out!;
        await sleep(stepMs);
        job.steps = i + 1;
        context.progress({ kind: 'step', index: i + 1, count });
        context.progress({ kind: 'preview', width: 2, height: 2, rgba: new Uint8ClampedArray(16).fill(i) });
      }
      job.outcome = 'done';
      context.progress({ kind: 'done' });
      return { output, steps: job.steps };
    } catch (error) {
      job.outcome = context.signal.aborted ? 'cancelled' : 'failed';
      throw error;
    }
  },

  lastJob() {
    return last;
  },

  echo(_context, data) {
    kept = data;
    return data;
  },

  keptLength() {
    return kept?.byteLength ?? -1;
  },

  async die(context, how, steps) {
    for (let i = 0; i < steps; i++) {
      await sleep(20);
      context.progress({ kind: 'step', index: i + 1, count: steps + 1 });
    }
    if (how === 'close') self.close();
    else setTimeout(() => {
      throw new Error('boom: the tiny worker fell over');
    });
    await new Promise(() => undefined);
  },
});
