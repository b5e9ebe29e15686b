// Loaded catalog models as the pipelines' model objects: sessions become ModelRuns, JSON files
// become tokenizers and image settings. The only place that knows which catalog file feeds which
// pipeline field.

import type { LoadedModel } from '../../managers/loader.ts';
import type { BlipModel } from '../../pipelines/blip/caption.ts';
import type { CocaModel } from '../../pipelines/clip/coca.ts';
import { OPENAI_CLIP_TEXT, type ClipModel, type ModelRun } from '../../pipelines/clip/embed.ts';
import { BLIP_IMAGE_CONFIG, imageConfigFromJson } from '../../pipelines/clip/preprocess.ts';
import { AestheticMlp } from '../../pipelines/predictor/mlp.ts';
import type { SafetyModel } from '../../pipelines/safety/checker.ts';
import { ClipTokenizer } from '../../pipelines/tokenizers/clip.ts';
import { tokenizerFromFiles, type JsonObject } from '../../pipelines/tokenizers/load.ts';
import type { ModelSession } from '../../runtime/session.ts';
import { NatailiError } from '../../shared/errors.ts';
import { bundledClipTokenizer } from '../bundled-tokenizer.ts';
import { runOf } from './holder.ts';

type Loaded = LoadedModel<ModelSession>;

function session(model: Loaded, path: string): ModelSession {
  const found = model.sessions[path];
  if (!found) throw new NatailiError('model', `${model.name} has no "${path}" graph. Its catalog entry does not fit this pipeline.`);
  return found;
}

function json(model: Loaded, path: string): JsonObject | undefined {
  const value = model.json[path];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The entry's own tokenizer.json, or the CLIP tokenizer the app ships. */
async function clipTokenizerOf(model: Loaded): Promise<ClipTokenizer> {
  const own = json(model, 'tokenizer');
  if (own) return ClipTokenizer.fromFiles({ tokenizer: own, config: json(model, 'tokenizer_config') ?? {} });
  return bundledClipTokenizer();
}

/** Cache keys name the model and its precision: another precision embeds a little differently. */
const embeddingId = (model: Loaded) => `${model.name}@${model.precision}`;

export interface CountingRun {
  run: ModelRun;
  /** Rows (images or texts) the model embedded since the last reset. */
  rows: number;
}

/** A ModelRun that counts the batch rows it runs, so a job can say what it embedded. */
export function counting(run: ModelRun): CountingRun {
  const counter: CountingRun = {
    rows: 0,
    run: async (feeds, signal) => {
      const first = Object.values(feeds)[0];
      counter.rows += first?.dims[0] ?? 0;
      return run(feeds, signal);
    },
  };
  return counter;
}

export async function clipModelOf(model: Loaded, counters: { vision: CountingRun; text: CountingRun }): Promise<ClipModel> {
  const textInputs = model.entry.config.files.find((file) => file.path === 'text_model')?.inputs ?? [];
  const preprocessor = json(model, 'preprocessor');
  return {
    id: embeddingId(model),
    vision: counters.vision.run,
    text: counters.text.run,
    tokenizer: await clipTokenizerOf(model),
    textConfig: { ...OPENAI_CLIP_TEXT, attentionMask: textInputs.includes('attention_mask') },
    ...(preprocessor ? { image: imageConfigFromJson(preprocessor) } : {}),
  };
}

export function clipRuns(model: Loaded): { vision: CountingRun; text: CountingRun } {
  return { vision: counting(runOf(session(model, 'vision_model'))), text: counting(runOf(session(model, 'text_model'))) };
}

export function blipModelOf(model: Loaded): BlipModel {
  const tokenizer = json(model, 'tokenizer');
  if (!tokenizer) throw new NatailiError('model', `${model.name} has no tokenizer.json in its catalog entry; BLIP needs its own.`);
  const preprocessor = json(model, 'preprocessor');
  return {
    id: model.name,
    vision: runOf(session(model, 'vision_model')),
    decoder: runOf(session(model, 'text_decoder')),
    tokenizer: tokenizerFromFiles({ tokenizer, config: json(model, 'tokenizer_config') ?? {} }),
    image: preprocessor ? imageConfigFromJson(preprocessor) : BLIP_IMAGE_CONFIG,
  };
}

export async function cocaModelOf(model: Loaded): Promise<CocaModel> {
  const preprocessor = json(model, 'preprocessor');
  return {
    id: model.name,
    vision: runOf(session(model, 'vision_model')),
    decoder: runOf(session(model, 'text_decoder')),
    tokenizer: await clipTokenizerOf(model),
    ...(preprocessor ? { image: imageConfigFromJson(preprocessor) } : {}),
  };
}

export function safetyModelOf(model: Loaded): SafetyModel {
  const extractor = json(model, 'feature_extractor');
  return { id: model.name, run: runOf(session(model, 'model')), ...(extractor ? { image: imageConfigFromJson(extractor) } : {}) };
}

export function predictorOf(model: Loaded): AestheticMlp {
  const bytes = model.bytes['predictor'];
  if (!bytes) throw new NatailiError('model', `${model.name} has no predictor weights in its catalog entry.`);
  return AestheticMlp.fromSafetensors(bytes);
}

/** "WebGPU fp32" style: what a result ran on, for the page to show. */
export function backendOf(model: Loaded, path: string): string {
  const info = session(model, path).info;
  return `${info.backend === 'webgpu' ? 'WebGPU' : 'WASM'} ${info.precision}`;
}
