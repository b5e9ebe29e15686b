// The models the interrogate worker holds. The catalogs are the bundled ones plus those the user
// added on the Models page (kept in IndexedDB by the models worker, re-read when they change);
// sessions open through this worker's session cache, so the Settings backend applies to them and
// the page's unload() frees them. A model whose sessions were released meanwhile (a backend change
// in Settings, an unload) is loaded again on its next use.

import type { ModelCache } from '../../managers/cache.ts';
import type { LoadedModel, SessionFactory } from '../../managers/loader.ts';
import { SuperModelManager } from '../../managers/super.ts';
import type { ModelSession } from '../../runtime/session.ts';
import { sessions as workerSessions, type SessionCache } from '../../runtime/session-cache.ts';
import type { TensorData } from '../../runtime/tensor.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import type { ModelRun } from '../../pipelines/clip/embed.ts';
import { readUserCatalogs, userCatalogKeys } from '../models/user-catalogs.ts';

/** A ModelSession as a pipeline's ModelRun. */
export function runOf(session: ModelSession): ModelRun {
  return (feeds: Record<string, TensorData>, signal?: AbortSignal) => session.run(feeds, { signal });
}

/** "ViT-L/14 vision_model": the session id the manager gives each graph of a model. */
const sessionId = (model: string, path: string) => `${model} ${path}`;

export class ModelHolder {
  private manager: SuperModelManager<ModelSession> | undefined;
  private signature: string | undefined;
  private readonly factory: SessionFactory<ModelSession>;

  constructor(
    readonly cache: ModelCache,
    private readonly sessions: SessionCache = workerSessions,
  ) {
    // The manager picked a precision from what is stored; the session cache picks the backend
    // (the Settings override) and falls back from WebGPU to WASM on its own.
    this.factory = (files, choice, modelId) => this.sessions.get({ modelId, variants: [choice.precision], files: () => files });
  }

  /** The manager over the bundled catalogs and the user's catalogs as stored now. */
  async current(): Promise<SuperModelManager<ModelSession>> {
    const keys = await userCatalogKeys(this.cache);
    const signature = keys.join('\n');
    if (this.manager && signature === this.signature) return this.manager;
    // The catalogs changed: drop what the old manager held before building the new one.
    if (this.manager) for (const name of this.manager.loaded()) await this.release(this.manager, name);
    const manager = new SuperModelManager<ModelSession>({ cache: this.cache, sessionFactory: this.factory });
    for (const catalog of await readUserCatalogs(this.cache, keys)) manager.addCatalog(catalog.entries, catalog.source);
    this.manager = manager;
    this.signature = signature;
    return manager;
  }

  /** The loaded model, loading it (again) when its sessions are gone. */
  async load(name: string, options: { signal?: AbortSignal; onProgress?: ProgressCallback } = {}): Promise<LoadedModel<ModelSession>> {
    const manager = await this.current();
    const held = manager.managerOf(name).getLoaded(name);
    if (held && this.alive(held)) return held;
    if (held) await manager.unload(name);
    return manager.load(name, options);
  }

  /** Frees a model's sessions now (the session cache's entries too, or it would hand them out again). */
  async release(manager: SuperModelManager<ModelSession>, name: string): Promise<void> {
    const held = manager.managerOf(name).getLoaded(name);
    if (held) for (const path of Object.keys(held.sessions)) await this.sessions.unload(sessionId(name, path));
    await manager.unload(name);
  }

  private alive(model: LoadedModel<ModelSession>): boolean {
    const open = new Set(this.sessions.list().map((info) => info.modelId));
    return Object.keys(model.sessions).every((path) => open.has(sessionId(model.name, path)));
  }
}
