// The sessions a worker holds, keyed by model id + backend + precision, so every job reuses a
// session (creating one costs seconds) and unloading a model returns its memory at once.

import { chooseBackend, exactChoice, type BackendOverride, type Precision } from './backend-choice.ts';
import { getPlatform, type PlatformInfo } from './platform.ts';
import { ModelSession, type OpenRequest, type SessionInfo } from './session.ts';
import { usablePlatform } from './webgpu-check.ts';

export class SessionCache {
  private readonly opening = new Map<string, Promise<ModelSession>>();
  private readonly open = new Map<string, ModelSession>();

  private override: BackendOverride = 'auto';
  private precision: Precision | undefined;
  private threads: number | undefined;

  constructor(private readonly platform: () => Promise<PlatformInfo> = getPlatform) {}

  /**
   * The user's backend, precision and WASM threads, used by requests that do not name their own.
   * A changed backend or precision releases the open sessions: later jobs reopen their models
   * under the new setting instead of keeping both. Threads count from the worker's first session
   * on (ORT fixes them then), so the page starts fresh workers when they change.
   */
  async configure(settings: { override?: BackendOverride; precision?: Precision | 'auto'; threads?: number | 'auto' }): Promise<void> {
    const next = settings.override ?? 'auto';
    const precision = settings.precision === 'auto' ? undefined : settings.precision;
    this.threads = typeof settings.threads === 'number' && settings.threads >= 1 ? Math.floor(settings.threads) : undefined;
    if (next === this.override && precision === this.precision) return;
    this.override = next;
    this.precision = precision;
    await this.unload();
  }

  /**
   * The session for `request`, opened on first use. The key is the planned backend and precision;
   * a session that had to fall back stays under that key, so later jobs skip the failed attempt.
   */
  async get(request: OpenRequest): Promise<ModelSession> {
    const platform = await this.platform();
    const here = usablePlatform(platform);
    const first = request.exact
      ? exactChoice(here, request.exact.backend, request.exact.precision, request.exact.threads)
      : chooseBackend(here, { override: request.override ?? this.override, variants: request.variants, precision: request.precision ?? this.precision, threads: this.threads });
    const key = `${request.modelId}|${first.backend}|${first.precision}`;
    const ready = this.open.get(key);
    if (ready) {
      ready.explain(first);
      return ready;
    }
    let pending = this.opening.get(key);
    if (!pending) {
      pending = ModelSession.open(request, platform, first);
      this.opening.set(key, pending);
      pending.then(
        (session) => {
          this.opening.delete(key);
          this.open.set(key, session);
        },
        () => this.opening.delete(key),
      );
    }
    return pending;
  }

  /** Releases the sessions of `modelId` (all models when omitted); returns how many were released. */
  async unload(modelId?: string): Promise<number> {
    // Wait for sessions still opening, or they would land in the cache after the unload.
    await Promise.allSettled([...this.opening.values()]);
    const doomed = [...this.open].filter(([, session]) => modelId === undefined || session.modelId === modelId);
    for (const [key] of doomed) this.open.delete(key);
    await Promise.all(doomed.map(([, session]) => session.release()));
    return doomed.length;
  }

  list(): SessionInfo[] {
    return [...this.open.values()].map((session) => session.info);
  }
}

/** This worker's sessions. */
export const sessions = new SessionCache();
