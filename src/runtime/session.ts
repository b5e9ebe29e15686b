// A model session on the best backend that works, with the reason it was chosen. Creation tries
// the planned backend and falls back (WebGPU fp16 → WebGPU fp32 → WASM) when a session cannot be
// created or a WebGPU run fails, recording why in `reason` so the UI can say it.
// Pipelines speak float32: inputs are converted for fp16 graphs and fp16 outputs come back as float32.

import { BackendUnavailableError, InvalidInputError, NatailiError, isCancelled } from '../shared/errors.ts';
import type { ProgressCallback } from '../shared/progress.ts';
import { choiceProblem, fallbackAfter, type Backend, type BackendChoice, type BackendOverride, type Precision } from './backend-choice.ts';
import { float16ToFloat32, float32ToFloat16 } from './float16.ts';
import { createOrtSession, fromOrtTensor, toOrtTensor, wasmThreadsInUse, type ModelFiles, type OrtSession, type OrtTensor } from './ort.ts';
import { getPlatform, type PlatformInfo } from './platform.ts';
import { runQueue } from './run-queue.ts';
import type { TensorData } from './tensor.ts';
import { usablePlatform, watchedGpuDevice, withGpuErrorCheck } from './webgpu-check.ts';

export interface OpenRequest {
  modelId: string;
  /** Precision variants the model ships (its catalog entry); defaults to fp32 only. */
  variants?: readonly Precision[];
  /** The bytes of one variant from the manager's store; called again only when a fallback needs another. */
  files: (precision: Precision) => ModelFiles | Promise<ModelFiles>;
  override?: BackendOverride;
  precision?: Precision;
  /**
   * Exactly this backend and precision (benchmarks, tests); still checked and still falls back.
   * `threads` counts only if this is the worker's first session: ORT fixes the thread count then.
   */
  exact?: { backend: Backend; precision: Precision; threads?: number };
  onProgress?: ProgressCallback;
  /** Tests only: skip the pre-checks, to prove the run-time GPU error check catches the same failures. */
  skipChecks?: boolean;
}

export interface SessionInfo {
  modelId: string;
  backend: Backend;
  precision: Precision;
  threads: number;
  reason: string;
  inputs: string[];
  outputs: string[];
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Outputs to fetch; all when omitted. */
  outputs?: readonly string[];
}

interface Opened {
  session: OrtSession;
  choice: BackendChoice;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

async function openFirstWorking(request: OpenRequest, platform: PlatformInfo, first: BackendChoice): Promise<Opened> {
  const variants = request.variants?.length ? request.variants : (['fp32'] as const);
  let choice: BackendChoice | null = first;
  let lastProblem = '';
  while (choice) {
    const here = usablePlatform(platform);
    let problem = request.skipChecks ? null : choiceProblem(here, choice);
    if (!problem && !variants.includes(choice.precision)) problem = `the model has no ${choice.precision} variant`;
    if (!problem) {
      request.onProgress?.({ kind: 'load', model: request.modelId, backend: choice.backend });
      // A failure to read the bytes is the manager's (missing, corrupt, quota), not the
      // backend's: it goes to the caller as it is instead of trying another backend.
      const files = await request.files(choice.precision);
      try {
        const session = await createOrtSession(files, choice);
        if (choice.backend === 'webgpu') await watchedGpuDevice();
        const threads = wasmThreadsInUse() ?? choice.threads;
        return { session, choice: { ...choice, threads } };
      } catch (error) {
        problem = messageOf(error);
      }
    }
    lastProblem = problem;
    const failed: BackendChoice = choice;
    choice = fallbackAfter(usablePlatform(platform), failed, problem, variants);
  }
  throw new NatailiError(
    'model',
    `${request.modelId} could not be opened: ${lastProblem}. If this keeps happening, delete the model in Models and download it again.`,
  );
}

export class ModelSession {
  private released = false;
  private fellBack = false;
  private releasing: Promise<void> | undefined;

  private constructor(
    private readonly request: OpenRequest,
    private readonly platform: PlatformInfo,
    private opened: Opened,
  ) {}

  static async open(request: OpenRequest, platform: PlatformInfo, first: BackendChoice): Promise<ModelSession> {
    const opened = await openFirstWorking(request, platform, first);
    const session = new ModelSession(request, platform, opened);
    session.fellBack = opened.choice.backend !== first.backend || opened.choice.precision !== first.precision;
    return session;
  }

  get modelId(): string {
    return this.request.modelId;
  }

  get choice(): BackendChoice {
    return this.opened.choice;
  }

  get info(): SessionInfo {
    const { session, choice } = this.opened;
    return {
      modelId: this.request.modelId,
      backend: choice.backend,
      precision: choice.precision,
      threads: choice.threads,
      reason: choice.reason,
      inputs: [...session.inputNames],
      outputs: [...session.outputNames],
    };
  }

  /**
   * Runs the model through this worker's run queue. A WebGPU run that fails reopens the model on
   * the next backend (its reason saying why) and runs again; the job goes on, slower.
   */
  run(feeds: Record<string, TensorData>, options: RunOptions = {}): Promise<Record<string, TensorData>> {
    return runQueue.enqueue(async () => {
      for (;;) {
        if (this.released) throw new NatailiError('model', `${this.modelId} was unloaded while a job still needed it. Run the job again.`);
        try {
          return await this.runOnce(feeds, options.outputs);
        } catch (error) {
          if (this.opened.choice.backend !== 'webgpu' || isCancelled(error) || error instanceof InvalidInputError) throw error;
          await this.fallBack(messageOf(error));
        }
      }
    }, options.signal);
  }

  /**
   * Takes the reason of a later request that planned this very backend and precision, so a reused
   * session explains itself in that request's terms (fp16 asked for, fp32 given: say why). A
   * session that fell back keeps the failure as its reason.
   */
  explain(planned: BackendChoice): void {
    const current = this.opened.choice;
    if (this.fellBack || planned.backend !== current.backend || planned.precision !== current.precision) return;
    this.opened = { ...this.opened, choice: { ...current, reason: planned.reason } };
  }

  /** Frees the session's memory (GPU buffers on WebGPU, the wasm heap's share on WASM). */
  release(): Promise<void> {
    if (!this.releasing) {
      // Runs still waiting fail from now on; the one in flight finishes first, because ORT must
      // not free a session in the middle of running it.
      this.released = true;
      this.releasing = runQueue.enqueue(() => this.opened.session.release());
    }
    return this.releasing;
  }

  private async fallBack(why: string): Promise<void> {
    const failed = this.opened.choice;
    this.fellBack = true;
    await this.opened.session.release().catch(() => undefined);
    const next = fallbackAfter(usablePlatform(this.platform), failed, why, this.request.variants ?? ['fp32']);
    if (!next) throw new BackendUnavailableError(`${this.modelId} failed on WebGPU (${why}) and nothing else is left to try.`);
    this.opened = await openFirstWorking(this.request, this.platform, next);
  }

  private async runOnce(feeds: Record<string, TensorData>, outputs: readonly string[] | undefined): Promise<Record<string, TensorData>> {
    const { session, choice } = this.opened;
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const meta of session.inputMetadata) {
      const feed = feeds[meta.name];
      if (!feed) throw new InvalidInputError(`${this.modelId} needs an input named "${meta.name}"; got ${Object.keys(feeds).join(', ') || 'none'}.`);
      const wantsHalf = meta.isTensor && meta.type === 'float16' && feed.type === 'float32';
      ortFeeds[meta.name] = await toOrtTensor(wantsHalf ? { type: 'float16', dims: feed.dims, data: float32ToFloat16(feed.data as Float32Array) } : feed);
    }
    const run = () => (outputs ? session.run(ortFeeds, [...outputs]) : session.run(ortFeeds));
    const device = choice.backend === 'webgpu' ? await watchedGpuDevice() : null;
    const results = device ? await withGpuErrorCheck(device, run) : await run();
    const out: Record<string, TensorData> = {};
    for (const [name, value] of Object.entries(results)) {
      const data = fromOrtTensor(value, name);
      out[name] = data.type === 'float16' ? { type: 'float32', dims: data.dims, data: float16ToFloat32(data.data as Uint16Array) } : data;
    }
    return out;
  }
}

/**
 * A ModelSession for a caller that chose the backend already and holds one variant's bytes (a
 * manager's session factory): the same checks, GPU error scopes and WASM fallback, but no switch
 * to another precision, since only these bytes are at hand.
 */
export async function openSession(files: ModelFiles, choice: BackendChoice, modelId = 'model', platform?: PlatformInfo): Promise<ModelSession> {
  const here = platform ?? (await getPlatform());
  return ModelSession.open({ modelId, variants: [choice.precision], files: () => files }, here, choice);
}
