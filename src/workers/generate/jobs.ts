// The generate worker's jobs: find the model's bytes, open its sessions (LoRAs merged), run the
// pipeline, report what ran where. Handed-over models live in this worker's memory for its life.

import { NotFoundError } from '../../managers/errors.ts';
import { readLora } from '../../pipelines/stable-diffusion/lora/index.ts';
import { generate } from '../../pipelines/stable-diffusion/pipeline/generate.ts';
import type { SdModels } from '../../pipelines/stable-diffusion/pipeline/types.ts';
import { upscaleX4, UPSCALER_VAE_SCALE } from '../../pipelines/stable-diffusion/upscaler/upscale.ts';
import { NatailiError } from '../../shared/errors.ts';
import { bundledClipTokenizer } from '../bundled-tokenizer.ts';
import { depthRunner, safetyHook } from './extras.ts';
import { keepLora, openRoles, type JobEnv, type OpenedRoles } from './models.ts';
import { catalogSource, localSource, modelManager, type ModelSource, type Role } from './sources.ts';
import type { GenerateJob, GenerateJobResult, JobReport, JobSettings, LoraInfo, SdFile, SdModelInfo, UpscaleJob, UpscaleJobResult, UseFilesOptions } from './types.ts';

const local = new Map<string, { source: ModelSource; info: SdModelInfo }>();

/** The catalog manager; sessions of handed-over models survive a change of the user's catalogs. */
function catalogs() {
  return modelManager((modelId) => [...local.keys()].some((name) => modelId.startsWith(`${name} `)));
}

export async function listModels(): Promise<SdModelInfo[]> {
  const owner = (await catalogs()).managers.stable_diffusion;
  const stored = new Set(await owner.available());
  const catalog = owner.list().map((entry): SdModelInfo => {
    const kind = entry.inpainting ? 'inpainting' : /depth/i.test(entry.name) ? 'depth' : /upscal|x4/i.test(entry.name) ? 'upscaler' : 'txt2img';
    return { name: entry.name, description: entry.description, kind, baseline: entry.baseline, ready: stored.has(entry.name), local: false };
  });
  return [...[...local.values()].map((model) => model.info), ...catalog];
}

export function useFiles(name: string, files: SdFile[], options?: UseFilesOptions): SdModelInfo {
  const model = localSource(name, files, options);
  local.set(name, model);
  return model.info;
}

export function addLora(name: string, data: Uint8Array): LoraInfo {
  const lora = readLora(data);
  keepLora(name, lora);
  const count = (component: string) => lora.modules.filter((m) => m.component === component).length;
  return { name, unetModules: count('unet'), textEncoderModules: count('text_encoder'), ignored: lora.ignored };
}

async function sourceFor(name: string): Promise<ModelSource> {
  const handed = local.get(name);
  if (handed) return handed.source;
  const manager = await catalogs();
  const owner = manager.managers.stable_diffusion;
  const entry = owner.get(name);
  if (!entry) throw new NotFoundError(`No Stable Diffusion model named ${JSON.stringify(name)}. Pick one from the model list.`);
  const variants = await owner.storedVariants(name);
  if (variants.length === 0) throw new NotFoundError(`${name} is not downloaded yet. Download it on the Models page (or open its files here), then try again.`);
  return catalogSource(manager, entry, variants);
}

async function assemble(source: ModelSource, opened: OpenedRoles): Promise<SdModels> {
  const { runs, unetInfo, textInfo } = opened;
  if (!runs.text_encoder || !runs.unet || !runs.vae_decoder || !unetInfo || !textInfo) throw new NatailiError('model', `${source.name} is missing a text encoder, UNet or VAE decoder.`);
  const clip = await bundledClipTokenizer(); // SD 1 and SD 2 share the vocabulary; only the padding differs
  return {
    family: source.family,
    prediction: source.prediction,
    tokenize: (text) => clip.encode(text).slice(1, -1),
    textEncoder: runs.text_encoder,
    textInfo,
    unet: runs.unet,
    unetInfo,
    vaeDecoder: runs.vae_decoder,
    vaeEncoder: runs.vae_encoder,
    vaeScale: source.vaeScale,
  };
}

function report(opened: OpenedRoles, notes: string[], started: number, loaded: number): JobReport {
  const info = opened.unet?.info;
  return { backend: info?.backend ?? 'unknown', reason: info?.reason ?? '', notes, lora: opened.lora, ms: { load: Math.round(loaded - started), total: Math.round(performance.now() - started) } };
}

export async function generateJob(job: GenerateJob, env: JobEnv): Promise<GenerateJobResult> {
  const started = performance.now();
  const source = await sourceFor(job.model);
  const manager = await catalogs();
  const roles: Role[] = ['text_encoder', 'unet', 'vae_decoder'];
  if (source.roles.includes('vae_encoder')) roles.push('vae_encoder');
  const settings: JobSettings = job;
  const opened = await openRoles(source, roles, settings, env);
  const models = await assemble(source, opened);
  if (models.unetInfo.inChannels === 5) models.depth = await depthRunner(source, manager, settings, env);
  const safety = await safetyHook(source, manager, settings, env);
  const loaded = performance.now();
  const result = await generate(models, job, { signal: env.signal, onProgress: env.progress, safety, previews: job.previews !== false });
  const skipped = opened.lora.skipped.length ? [`${opened.lora.skipped.length} LoRA modules had no matching weight.`] : [];
  return { ...report(opened, [...result.notes, ...skipped], started, loaded), images: result.images, sampler: result.sampler, mode: result.mode };
}

export async function upscaleJob(job: UpscaleJob, env: JobEnv): Promise<UpscaleJobResult> {
  const started = performance.now();
  const source = await sourceFor(job.model);
  const opened = await openRoles(source, ['text_encoder', 'unet', 'vae_decoder'], job, env);
  const models = await assemble(source, opened);
  const loaded = performance.now();
  const result = await upscaleX4({ ...models, vaeScale: source.vaeScale ?? UPSCALER_VAE_SCALE }, job.image, job, { signal: env.signal, onProgress: env.progress, previews: job.previews !== false });
  return { ...report(opened, result.notes, started, loaded), image: result.image, seed: result.seed };
}
