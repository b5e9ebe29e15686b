// The interrogate worker's contract (re-exported by workers/api.ts): plain data only, since every
// value crosses a worker boundary by structured clone. Images go in as Blobs (the page decodes
// nothing) or, for generation's safety check, as RGBA pixels. Types only.

import type { GenerationOptions } from '../../pipelines/blip/types.ts';
import type { RgbaImage } from '../../shared/image/types.ts';

/** What a model does on the Interrogate page. */
export type InterrogateRole = 'clip' | 'caption' | 'predictor' | 'safety';
/** How the worker runs it: CLIP embeddings, a BLIP or CoCa captioner, the aesthetic MLP, the SD checker. */
export type InterrogateKind = 'clip' | 'blip' | 'coca' | 'predictor' | 'safety';

export interface RoleModel {
  name: string;
  kind: InterrogateKind;
  /** Catalog text, maybe from a user's catalog: render as text. */
  description: string;
  /** A complete variant is stored: it runs without a download. */
  stored: boolean;
  /** Predictors only: the CLIP model whose image embeddings it scores (its catalog baseline). */
  clipModel?: string;
}

export type InterrogateModels = Record<InterrogateRole, RoleModel[]>;

/** BLIP presets ('horde', 'nataili', 'natailiBeam') or CoCa presets ('coca', 'greedy', 'sample'). */
export type CaptionPresetName = 'horde' | 'nataili' | 'natailiBeam' | 'coca' | 'greedy' | 'sample';

export interface CaptionRequest {
  model: string;
  preset?: CaptionPresetName;
  generation?: Partial<GenerationOptions>;
}

export interface CaptionResult {
  model: string;
  kind: 'blip' | 'coca';
  /** Generated text: render as text, never as HTML. */
  text: string;
  /** The backend the decoder ran on, and why. */
  backend: string;
  ms: number;
}

export interface LabelRequest {
  /** A CLIP model name. */
  model: string;
  /** Label sets by name; the built-in sets (nataili's names) when omitted. */
  labels?: Record<string, string[]>;
  /** Labels per set in the result; default 3. */
  topCount?: number;
}

export interface LabelScore {
  text: string;
  /** Softmax probability within its set, in percent. */
  confidence: number;
}

export interface InterrogationTables {
  model: string;
  /** One table per set, best first, in the order the sets were given. */
  tables: { name: string; labels: LabelScore[] }[];
  /** Labels embedded by this call (0 when the cache had all of them). */
  embeddedLabels: number;
  /** The image was embedded by this call (false: its embedding came from the cache). */
  embeddedImage: boolean;
  backend: string;
  ms: number;
}

export interface AestheticResult {
  model: string;
  clipModel: string;
  /** About 1–10 for the LAION predictors. */
  score: number;
  /** nataili's layout the weights matched: 'mlp', 'h14', 'h14-2' or 'custom'. */
  architecture: string;
}

export interface SafetyVerdict {
  model: string;
  /** The checker found an unsafe concept. */
  nsfw: boolean;
  backend: string;
}

export interface SafetyCheckResult {
  /** The inputs, each flagged one replaced by opaque black. */
  images: RgbaImage[];
  censored: boolean[];
}

export interface AnalyzeRequest {
  interrogate?: LabelRequest;
  /** A predictor name: scored with its own CLIP model. */
  aesthetic?: string;
  /** A safety checker name. */
  safety?: string;
}

/** Each part that ran, and the parts that failed with their message (the others still ran). */
export interface AnalyzeResult {
  interrogation?: InterrogationTables;
  aesthetic?: AestheticResult;
  safety?: SafetyVerdict;
  errors: { part: 'interrogate' | 'aesthetic' | 'safety'; message: string }[];
}

/**
 * The interrogate worker: CLIP interrogation over label sets (text embeddings cached in IndexedDB,
 * so a later call embeds only the image), BLIP and CoCa captions, the aesthetic score and the
 * safety checker, each on models the Models page stored. Steps report 'step' progress events.
 */
export interface InterrogateApi {
  /** The stored and downloadable models for each role, from the bundled and the user's catalogs. */
  models(): Promise<InterrogateModels>;
  /** nataili's default label sets (mediums, flavors, artists, movements, sites, techniques, tags). */
  defaultLabels(): Promise<Record<string, string[]>>;
  caption(image: Blob, request: CaptionRequest): Promise<CaptionResult>;
  interrogate(image: Blob, request: LabelRequest): Promise<InterrogationTables>;
  aesthetic(image: Blob, predictor: string): Promise<AestheticResult>;
  safety(image: Blob, checker: string): Promise<SafetyVerdict>;
  /** Interrogation, aesthetic score and safety verdict from one decode of the image. */
  analyze(image: Blob, request: AnalyzeRequest): Promise<AnalyzeResult>;
  /** Generation's check: flagged images come back black with censored: true. */
  checkSafety(images: (Blob | RgbaImage)[], checker: string): Promise<SafetyCheckResult>;
  /** Forgets every cached embedding (text and image) of every model; returns nothing to redo. */
  clearEmbeddings(): Promise<void>;
}
