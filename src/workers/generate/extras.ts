// The models a generation may need besides Stable Diffusion's own: the depth model for
// depth2img and the safety checker. A bundle of handed-over files may carry them; otherwise they
// come from their catalogs (and must be downloaded first: a job never starts a large download).

import type { ModelType } from '../../managers/catalog/schema.ts';
import { NotFoundError } from '../../managers/errors.ts';
import type { SuperModelManager } from '../../managers/super.ts';
import { checkSafety } from '../../pipelines/safety/index.ts';
import type { ModelRun, SafetyCheck } from '../../pipelines/stable-diffusion/pipeline/types.ts';
import { sessions, type ModelFiles } from '../../runtime/index.ts';
import { workerSettings } from '../expose.ts';
import { openRoles, type JobEnv } from './models.ts';
import type { ModelSource } from './sources.ts';
import type { JobSettings } from './types.ts';

type Catalogs = SuperModelManager<ModelFiles>;

/** A one-graph catalog model (depth, safety checker) as a runner; `name` defaults to the first stored one. */
async function openCatalogModel(manager: Catalogs, type: ModelType, name: string | undefined, what: string, settings: JobSettings, env: JobEnv): Promise<ModelRun> {
  const owner = manager.managers[type];
  // Without a name: the first one that is stored, else the catalog's first (whose message says to download it).
  const stored = new Set(await owner.available());
  const entry = name ? owner.get(name) : (owner.list().find((e) => stored.has(e.name)) ?? owner.list()[0]);
  if (!entry) throw new NotFoundError(`No ${what} in the catalog${name ? ` named ${JSON.stringify(name)}` : ''}.`);
  if (!(await owner.isAvailable(entry.name))) throw new NotFoundError(`${what[0]!.toUpperCase()}${what.slice(1)} (${entry.name}) is not downloaded yet. Download it on the Models page${type === 'safety_checker' ? ', or turn the safety checker off in Settings' : ''}, then try again.`);
  const path = entry.config.files.find((file) => file.kind === 'onnx')!.path;
  const session = await sessions.get({
    modelId: entry.name,
    variants: await owner.storedVariants(entry.name),
    override: settings.backend,
    onProgress: env.progress,
    files: async (precision) => {
      try {
        return (await owner.load(entry.name, { precision, signal: env.signal })).sessions[path]!;
      } finally {
        await owner.unload(entry.name);
      }
    },
  });
  return (feeds) => session.run(feeds, { signal: env.signal });
}

export async function depthRunner(source: ModelSource, manager: Catalogs, settings: JobSettings, env: JobEnv): Promise<ModelRun> {
  if (source.roles.includes('depth')) return (await openRoles(source, ['depth'], settings, env)).runs.depth!;
  return openCatalogModel(manager, 'depth', settings.depthModel, 'the depth model', settings, env);
}

/**
 * The safety hook of nataili's filter_nsfw: on when the job says so, else as the Settings page
 * says (on by default); then every decoded image goes through pipelines/safety's checkSafety
 * (flagged → black + censored). On without a checker to run is an error, not a silent skip.
 */
export async function safetyHook(source: ModelSource, manager: Catalogs, settings: JobSettings, env: JobEnv): Promise<SafetyCheck | undefined> {
  if (!(settings.safetyCheck ?? workerSettings().safetyChecker ?? true)) return undefined;
  const run = source.roles.includes('safety_checker')
    ? (await openRoles(source, ['safety_checker'], settings, env)).runs.safety_checker!
    : await openCatalogModel(manager, 'safety_checker', undefined, 'the safety checker', settings, env);
  const model = { id: `${source.name} safety checker`, run: (feeds: Parameters<ModelRun>[0]) => run(feeds) };
  return (images) => checkSafety(model, images, { signal: env.signal });
}
