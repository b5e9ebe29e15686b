// The worker side of every model type: turns a table of handlers into the exposed endpoint.
// It gives each job an AbortSignal (fired by the page's cancel) and a progress callback, runs
// jobs one at a time in arrival order, moves result buffers instead of copying them, and sends
// errors as ErrorInfo so the page can rebuild typed errors. A new model type writes its handlers
// and calls exposeJobs; it never touches Comlink, cancellation or error mapping.

import * as Comlink from 'comlink';
import { sessions as workerSessions, type SessionCache } from '../runtime/session-cache.ts';
import { RunQueue } from '../runtime/run-queue.ts';
import { CancelledError, NatailiError, toErrorInfo } from '../shared/errors.ts';
import type { ProgressCallback, ProgressEvent } from '../shared/progress.ts';
import type { BuiltinApi, MethodArgs, MethodName, MethodResult, WorkerSettings } from './api.ts';
import { transferablesIn, webLocks, type JobEndpoint, type JobOutcome, type JobRequest } from './protocol.ts';

export interface JobContext {
  /** Fires when the page cancels; pipelines check it between steps (throwIfAborted). */
  signal: AbortSignal;
  /** Reports to the page; never throws, and moves a preview's pixels rather than copying them. */
  progress: ProgressCallback;
  jobId: number;
}

/**
 * A handler per API method: the context first, then the method's own arguments. Buffers in the
 * result move to the page (the worker's views of them are detached): return a copy of anything
 * the worker keeps, such as a cached embedding.
 */
export type JobHandlers<Api> = {
  [M in MethodName<Api>]: (context: JobContext, ...args: MethodArgs<Api[M]>) => MethodResult<Api[M]> | Promise<MethodResult<Api[M]>>;
};

export interface ExposeOptions {
  /** Where to listen; the worker's global scope by default (tests pass a MessagePort). */
  endpoint?: Comlink.Endpoint;
  /** The session cache the builtins unload and list; the worker's own by default. */
  sessions?: SessionCache;
}

type Handler = (context: JobContext, ...args: unknown[]) => unknown;

let applied: WorkerSettings = { backend: 'auto' };

/**
 * The settings the page last sent this worker (Settings page): a worker reads the ones its
 * sessions do not, such as `safetyChecker`, when a job starts.
 */
export function workerSettings(): Readonly<WorkerSettings> {
  return applied;
}

function progressTo(remote: Comlink.Remote<ProgressCallback> | undefined): { report: ProgressCallback; close: () => void } {
  let open = remote !== undefined;
  const report: ProgressCallback = (event: ProgressEvent) => {
    if (!open || !remote) return;
    // A closed page or a released proxy must not fail the job that reports to it.
    remote(Comlink.transfer(event, transferablesIn(event))).catch(() => undefined);
  };
  const close = () => {
    if (open && remote) remote[Comlink.releaseProxy]();
    open = false;
  };
  return { report, close };
}

export function exposeJobs<Api>(handlers: JobHandlers<Api>, options: ExposeOptions = {}): void {
  const cache = options.sessions ?? workerSessions;
  const builtins: { [M in keyof BuiltinApi]: Handler } = {
    configure: (_context, settings) => {
      applied = { ...(settings as WorkerSettings) };
      return cache.configure({ override: applied.backend, precision: applied.precision, threads: applied.wasmThreads });
    },
    unload: (_context, modelId) => cache.unload(typeof modelId === 'string' ? modelId : undefined),
    sessions: () => cache.list(),
  };
  const table = handlers as unknown as Record<string, Handler>;
  const running = new Map<number, AbortController>();
  // Jobs take turns, so the first one asked for finishes first and a queued one can be cancelled
  // before it starts. Builtins skip the line: unloading must not wait behind a long job.
  const jobs = new RunQueue();

  async function perform(request: JobRequest, context: JobContext): Promise<unknown> {
    const builtin = Object.hasOwn(builtins, request.method) ? builtins[request.method as keyof BuiltinApi] : undefined;
    if (builtin) return builtin(context, ...request.args);
    const handler = Object.hasOwn(table, request.method) ? table[request.method] : undefined;
    if (!handler) throw new NatailiError('internal', `This worker has no method "${request.method}". Reload the app; it may be out of date.`);
    return jobs.enqueue(async () => handler(context, ...request.args), context.signal);
  }

  const endpoint: JobEndpoint = {
    hello(lockName) {
      const locks = webLocks();
      if (!lockName || !locks) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Held until this worker ends, however it ends; the page waits on it to notice.
        void locks.request(lockName, () => {
          resolve();
          return new Promise<never>(() => undefined);
        });
      });
    },

    async start(request, progressRemote) {
      const controller = new AbortController();
      running.set(request.id, controller);
      const progress = progressTo(progressRemote as Comlink.Remote<ProgressCallback> | undefined);
      try {
        const value = await perform(request, { signal: controller.signal, progress: progress.report, jobId: request.id });
        const outcome: JobOutcome = { ok: true, value };
        return Comlink.transfer(outcome, transferablesIn(value));
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      } finally {
        running.delete(request.id);
        progress.close();
      }
    },

    cancel(id) {
      running.get(id)?.abort(new CancelledError());
    },
  };
  Comlink.expose(endpoint, options.endpoint);
}
