// Opens a Stable Diffusion model's graphs as sessions (through the runtime's cache, so the
// Settings backend and `unload` reach them) and hands the pipeline plain runners. LoRAs are
// merged into the UNet's and text encoder's bytes before their sessions are created; a session
// is keyed by its LoRA set, and a model's sessions with another set are released first, so
// changing LoRAs reloads clean weights (unmerge by reloading).

import { describeTextEncoder, describeUnet } from '../../pipelines/stable-diffusion/onnx/describe.ts';
import { readOnnxGraph } from '../../pipelines/stable-diffusion/onnx/model.ts';
import { mergeLoras, type LoraApplication, type ParsedLora } from '../../pipelines/stable-diffusion/lora/index.ts';
import type { ModelRun, TextEncoderInfo, UNetInfo } from '../../pipelines/stable-diffusion/pipeline/types.ts';
import { sessions, type ModelSession } from '../../runtime/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import type { ModelSource, Role } from './sources.ts';
import type { JobSettings, LoraUse } from './types.ts';

export interface JobEnv {
  signal: AbortSignal;
  progress: ProgressCallback;
}

export interface OpenedRoles {
  runs: Partial<Record<Role, ModelRun>>;
  unet?: ModelSession;
  unetInfo?: UNetInfo;
  textInfo?: TextEncoderInfo;
  lora: { merged: number; skipped: string[] };
}

/** Graph descriptions by session id: a cached session is not reopened, so its graph is not read again. */
const described = new Map<string, { unet?: UNetInfo; text?: TextEncoderInfo }>();
/** The session ids each model role has open now, to release them when its LoRA set changes. */
const openIds = new Map<string, string>();

const loras = new Map<string, ParsedLora>();

export function keepLora(name: string, lora: ParsedLora): void {
  loras.set(name, lora);
}

function applications(uses: readonly LoraUse[] | undefined, component: 'unet' | 'text_encoder'): LoraApplication[] {
  return (uses ?? []).map((use) => {
    const lora = loras.get(use.name);
    if (!lora) throw new InvalidInputError(`No LoRA named ${JSON.stringify(use.name)} was added. Add its .safetensors file first.`);
    const strength = component === 'unet' ? (use.strength ?? 1) : (use.clipStrength ?? use.strength ?? 1);
    return { name: use.name, modules: lora.modules, strength };
  });
}

function signature(apps: readonly LoraApplication[]): string {
  const used = apps.filter((app) => app.strength !== 0);
  return used.length ? ` +${used.map((app) => `${app.name}@${app.strength}`).join(',')}` : '';
}

/** Opens (or reuses) the sessions of `roles`; the runners check the job's signal. */
export async function openRoles(source: ModelSource, roles: readonly Role[], settings: JobSettings, env: JobEnv): Promise<OpenedRoles> {
  const opened: OpenedRoles = { runs: {}, lora: { merged: 0, skipped: [] } };
  try {
    for (const role of roles) {
      const component = role === 'unet' ? 'unet' : role === 'text_encoder' ? 'text_encoder' : null;
      const apps = component ? applications(settings.loras, component) : [];
      const modelId = `${source.name} ${role}${signature(apps)}`;
      const slot = `${source.name} ${role}`;
      const previous = openIds.get(slot);
      if (previous && previous !== modelId) await sessions.unload(previous);
      openIds.set(slot, modelId);
      const session = await sessions.get({
        modelId,
        variants: source.variants,
        override: settings.backend,
        onProgress: env.progress,
        files: async (precision) => {
          const merging = apps.some((app) => app.strength !== 0);
          const files = await source.read(role, precision, merging, env.signal);
          const graph = readOnnxGraph(files.model, { interfaceOnly: !merging && role !== 'unet' });
          if (role === 'unet') described.set(modelId, { unet: describeUnet(graph) });
          if (role === 'text_encoder') described.set(modelId, { text: describeTextEncoder(graph) });
          if (merging && component) {
            const report = mergeLoras(files, graph, component, apps);
            opened.lora.merged += report.merged.length;
            opened.lora.skipped.push(...report.skipped);
          }
          return files;
        },
      });
      opened.runs[role] = (feeds) => session.run(feeds, { signal: env.signal });
      if (role === 'unet') {
        opened.unet = session;
        opened.unetInfo = described.get(modelId)?.unet;
      }
      if (role === 'text_encoder') opened.textInfo = described.get(modelId)?.text;
    }
  } finally {
    await source.done();
  }
  return opened;
}
