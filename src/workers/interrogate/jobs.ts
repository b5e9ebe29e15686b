// What the interrogate worker does for each call, over the models the ModelHolder loads. Ports of
// nataili's interrogation entry points: clip/interrogate.py (rank per label set), blip/caption.py
// and clip/coca.py (captions), clip/predictor/inference.py (aesthetic score), and the SD safety
// checker. One Interrogator per CLIP model keeps label embeddings in IndexedDB across calls.

import type { EmbeddingCache } from '../../pipelines/clip/cache.ts';
import { caption as blipCaption } from '../../pipelines/blip/caption.ts';
import type { CaptionPreset } from '../../pipelines/blip/types.ts';
import { cocaCaption, type CocaPreset } from '../../pipelines/clip/coca.ts';
import { Interrogator } from '../../pipelines/clip/interrogate.ts';
import { defaultLabelSets } from '../../pipelines/clip/labels/index.ts';
import { scoreEmbedding } from '../../pipelines/predictor/score.ts';
import { checkSafety, isUnsafe } from '../../pipelines/safety/checker.ts';
import type { LoadedModel } from '../../managers/loader.ts';
import type { ModelSession } from '../../runtime/session.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { decodeImage } from '../../shared/image/decode.ts';
import type { RgbaImage } from '../../shared/image/types.ts';
import type { ProgressCallback } from '../../shared/progress.ts';
import { backendOf, blipModelOf, clipModelOf, clipRuns, cocaModelOf, predictorOf, safetyModelOf, type CountingRun } from './build.ts';
import type { ModelHolder } from './holder.ts';
import { listRoles, requireKind } from './roles.ts';
import type { AestheticResult, AnalyzeRequest, AnalyzeResult, CaptionRequest, CaptionResult, InterrogateModels, InterrogationTables, LabelRequest, SafetyCheckResult, SafetyVerdict } from './types.ts';

export interface Job {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

const BLIP_PRESETS: readonly string[] = ['horde', 'nataili', 'natailiBeam'];
const COCA_PRESETS: readonly string[] = ['coca', 'greedy', 'sample'];

interface HeldClip {
  loaded: LoadedModel<ModelSession>;
  interrogator: Interrogator;
  counters: { vision: CountingRun; text: CountingRun };
}

/** Images larger than this are refused before decoding (a CLIP crop is 224 px; BLIP's 384). */
const IMAGE_LIMITS = { maxPixels: 64 * 1024 * 1024 };

export async function decode(image: Blob | RgbaImage, signal?: AbortSignal): Promise<RgbaImage> {
  if (!(image instanceof Blob)) return image;
  return (await decodeImage(image, { ...IMAGE_LIMITS, signal })).image;
}

/**
 * One pipeline model per loaded model: building it parses tokenizers and weights (BLIP's
 * 30,000-word vocabulary, the predictor's safetensors), which a second call must not repeat. Keyed
 * by the LoadedModel, so a model loaded again (new sessions) gets a fresh one.
 */
function memo<T>(build: (model: LoadedModel<ModelSession>) => T): (model: LoadedModel<ModelSession>) => T {
  const made = new WeakMap<LoadedModel<ModelSession>, T>();
  return (model) => {
    if (!made.has(model)) {
      const value = build(model);
      made.set(model, value);
      // A build that failed (a tokenizer that could not be fetched) is tried again next time.
      if (value instanceof Promise) value.catch(() => made.delete(model));
    }
    return made.get(model)!;
  };
}

export class InterrogateJobs {
  private readonly clips = new Map<string, HeldClip>();
  private readonly blip = memo(blipModelOf);
  private readonly coca = memo(cocaModelOf);
  private readonly checker = memo(safetyModelOf);
  private readonly mlp = memo(predictorOf);

  constructor(
    private readonly holder: ModelHolder,
    private readonly embeddings: EmbeddingCache,
  ) {}

  async models(): Promise<InterrogateModels> {
    return listRoles(await this.holder.current());
  }

  defaultLabels(): Record<string, string[]> {
    return defaultLabelSets();
  }

  async caption(image: Blob | RgbaImage, request: CaptionRequest, job: Job = {}): Promise<CaptionResult> {
    const kind = requireKind(await this.holder.current(), request.model, ['blip', 'coca']).kind === 'blip' ? 'blip' : 'coca';
    const presets = kind === 'blip' ? BLIP_PRESETS : COCA_PRESETS;
    if (request.preset && !presets.includes(request.preset)) {
      throw new InvalidInputError(`${request.preset} is not a ${kind.toUpperCase()} preset; use one of ${presets.join(', ')}.`);
    }
    const pixels = await decode(image, job.signal);
    const loaded = await this.holder.load(request.model, job);
    const started = performance.now();
    const options = { generation: request.generation ?? {}, signal: job.signal, onProgress: job.onProgress };
    const result =
      kind === 'blip'
        ? await blipCaption(this.blip(loaded), pixels, { ...options, preset: (request.preset ?? 'horde') as CaptionPreset })
        : await cocaCaption(await this.coca(loaded), pixels, { ...options, preset: (request.preset ?? 'coca') as CocaPreset });
    return { model: request.model, kind, text: result.text, backend: backendOf(loaded, 'text_decoder'), ms: performance.now() - started };
  }

  /** The Interrogator of a CLIP model, rebuilt when its sessions were reloaded. */
  private async clip(name: string, job: Job): Promise<HeldClip> {
    requireKind(await this.holder.current(), name, ['clip']);
    const loaded = await this.holder.load(name, job);
    const held = this.clips.get(name);
    if (held && held.loaded === loaded) return held;
    const counters = clipRuns(loaded);
    const fresh = { loaded, counters, interrogator: new Interrogator(await clipModelOf(loaded, counters), { cache: this.embeddings }) };
    this.clips.set(name, fresh);
    return fresh;
  }

  async interrogate(image: Blob | RgbaImage, request: LabelRequest, job: Job = {}): Promise<InterrogationTables> {
    const pixels = await decode(image, job.signal);
    const held = await this.clip(request.model, job);
    held.counters.vision.rows = 0;
    held.counters.text.rows = 0;
    const started = performance.now();
    const sets = request.labels ?? defaultLabelSets();
    const result = await held.interrogator.interrogate(pixels, { labels: sets, rank: true, topCount: request.topCount ?? 3, signal: job.signal, onProgress: job.onProgress });
    const tables = Object.keys(sets)
      .filter((name) => result.rank?.[name])
      .map((name) => ({ name, labels: result.rank![name]!.map((entry) => ({ text: entry.text, confidence: entry.confidence })) }));
    return {
      model: request.model,
      tables,
      embeddedLabels: held.counters.text.rows,
      embeddedImage: held.counters.vision.rows > 0,
      backend: backendOf(held.loaded, 'vision_model'),
      ms: performance.now() - started,
    };
  }

  async aesthetic(image: Blob | RgbaImage, predictor: string, job: Job = {}): Promise<AestheticResult> {
    const { entry } = requireKind(await this.holder.current(), predictor, ['predictor']);
    const pixels = await decode(image, job.signal);
    const mlp = this.mlp(await this.holder.load(predictor, job));
    const held = await this.clip(entry.baseline, job);
    const embedding = await held.interrogator.imageEmbedding(pixels, { signal: job.signal });
    return { model: predictor, clipModel: entry.baseline, score: scoreEmbedding(mlp, embedding), architecture: mlp.architecture };
  }

  async safety(image: Blob | RgbaImage, checker: string, job: Job = {}): Promise<SafetyVerdict> {
    requireKind(await this.holder.current(), checker, ['safety']);
    const pixels = await decode(image, job.signal);
    const loaded = await this.holder.load(checker, job);
    return { model: checker, nsfw: await isUnsafe(this.checker(loaded), pixels, job.signal), backend: backendOf(loaded, 'model') };
  }

  async checkSafety(images: readonly (Blob | RgbaImage)[], checker: string, job: Job = {}): Promise<SafetyCheckResult> {
    requireKind(await this.holder.current(), checker, ['safety']);
    const pixels: RgbaImage[] = [];
    for (const image of images) pixels.push(await decode(image, job.signal));
    return checkSafety(this.checker(await this.holder.load(checker, job)), pixels, job);
  }

  /** Each requested part in turn on one decode; a part that fails is reported, the rest still run. */
  async analyze(image: Blob, request: AnalyzeRequest, job: Job = {}): Promise<AnalyzeResult> {
    const pixels = await decode(image, job.signal);
    const result: AnalyzeResult = { errors: [] };
    const attempt = async (part: AnalyzeResult['errors'][number]['part'], run: () => Promise<void>) => {
      try {
        await run();
      } catch (error) {
        job.signal?.throwIfAborted();
        result.errors.push({ part, message: error instanceof Error ? error.message : String(error) });
      }
    };
    if (request.interrogate) await attempt('interrogate', async () => void (result.interrogation = await this.interrogate(pixels, request.interrogate!, job)));
    if (request.aesthetic) await attempt('aesthetic', async () => void (result.aesthetic = await this.aesthetic(pixels, request.aesthetic!, job)));
    if (request.safety) await attempt('safety', async () => void (result.safety = await this.safety(pixels, request.safety!, job)));
    return result;
  }

  async clearEmbeddings(): Promise<void> {
    await this.embeddings.clear();
  }
}
