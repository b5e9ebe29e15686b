// The Interrogate page's state: the picked image (a File, sent to the worker as it is: the page
// decodes nothing), the models chosen per role, label sets, and the last caption and report.
import { isCancelled } from '../../shared/errors.ts';
import type { AnalyzeResult, CaptionPresetName, CaptionResult, InterrogateModels, InterrogateRole, ProgressEvent, RoleModel } from '../../workers/api.ts';
import { workers } from '../../workers/client.ts';
import { Failure } from './failure.svelte.ts';
import { addToGallery } from './gallery.svelte.ts';

export type Busy = 'caption' | 'interrogate' | null;

const BLIP_PRESETS: readonly CaptionPresetName[] = ['horde', 'nataili', 'natailiBeam'];
const COCA_PRESETS: readonly CaptionPresetName[] = ['coca', 'greedy', 'sample'];

/** One label per line; blank lines and repeats dropped (the worker takes the list as it is). */
export function parseLabels(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
}

/** The first stored model of a role, else none: nothing is downloaded without the user asking. */
function firstStored(list: readonly RoleModel[]): string {
  return list.find((model) => model.stored)?.name ?? '';
}

export class InterrogateState {
  models: InterrogateModels | null = $state(null);
  image: File | null = $state(null);
  /** An object URL of the picked file, for the preview <img>. */
  preview: string | null = $state(null);
  captionModel = $state('');
  captionPreset: CaptionPresetName | '' = $state('');
  clipModel = $state('');
  predictor = $state('');
  safetyModel = $state('');
  useDefaultLabels = $state(true);
  customLabels = $state('');
  topCount = $state(3);
  caption: CaptionResult | null = $state(null);
  report: AnalyzeResult | null = $state(null);
  busy: Busy = $state(null);
  progress: { index: number; count: number } | null = $state(null);
  /** The last failure, with its ways on (again, on the CPU). */
  readonly failure = new Failure();
  message: string | null = $state(null);

  private controller: AbortController | null = null;
  private defaults: Record<string, string[]> | null = null;

  get error(): string | null {
    return this.failure.message;
  }
  set error(message: string | null) {
    this.failure.say(message);
  }

  async load(): Promise<void> {
    try {
      const models = await workers.call('interrogate', 'models', []);
      this.models = models;
      // Keep choices that still exist; otherwise the first stored model of each role.
      const keep = (current: string, role: InterrogateRole) => (current && models[role].some((m) => m.name === current) ? current : firstStored(models[role]));
      this.captionModel = keep(this.captionModel, 'caption');
      this.clipModel = keep(this.clipModel, 'clip');
      this.predictor = keep(this.predictor, 'predictor');
      this.safetyModel = keep(this.safetyModel, 'safety');
    } catch (error) {
      this.failure.show(error, { page: 'interrogate' }, () => this.load());
    }
  }

  setImage(file: File | null): void {
    if (this.preview) URL.revokeObjectURL(this.preview);
    this.image = file;
    this.preview = file ? URL.createObjectURL(file) : null;
    this.caption = null;
    this.report = null;
    this.error = null;
  }

  /** caption + the top label of each table: a prompt to start from. */
  get prompt(): string {
    const parts = [this.caption?.text ?? ''];
    for (const table of this.report?.interrogation?.tables ?? []) if (table.labels[0]) parts.push(table.labels[0].text);
    return parts.filter((part) => part.trim() !== '').join(', ');
  }

  async runCaption(): Promise<void> {
    const image = this.image;
    if (!image || !this.captionModel) return;
    // A preset picked for the other kind of captioner (after switching models) is dropped.
    const kind = this.models?.caption.find((model) => model.name === this.captionModel)?.kind;
    const fits = this.captionPreset !== '' && (kind === 'coca' ? COCA_PRESETS : BLIP_PRESETS).includes(this.captionPreset);
    const request = { model: this.captionModel, ...(fits && this.captionPreset ? { preset: this.captionPreset } : {}) };
    await this.run('caption', async (options) => {
      this.caption = await workers.call('interrogate', 'caption', [image, request], options);
      this.message = `Captioned with ${this.caption.model} on ${this.caption.backend} in ${(this.caption.ms / 1000).toFixed(1)} s.`;
      void this.keepCaption(image, this.caption, request.preset);
    });
  }

  /** Keeps the caption in the gallery with the image it describes; a full disk is reported, the caption stays here. */
  private async keepCaption(image: File, caption: CaptionResult, preset: string | undefined): Promise<void> {
    try {
      await addToGallery({ kind: 'caption', image, text: caption.text, params: { process: { model: caption.model, ...(preset ? { settings: { Preset: preset } } : {}) } } });
    } catch (error) {
      this.message = `${this.message ?? ''} The caption was not saved to the gallery: ${error instanceof Error ? error.message : String(error)}`.trim();
    }
  }

  async runInterrogate(): Promise<void> {
    const image = this.image;
    if (!image) return;
    const labels = await this.labelSets();
    const interrogate = this.clipModel && labels ? { model: this.clipModel, labels, topCount: this.topCount } : undefined;
    const request = { ...(interrogate ? { interrogate } : {}), ...(this.predictor ? { aesthetic: this.predictor } : {}), ...(this.safetyModel ? { safety: this.safetyModel } : {}) };
    await this.run('interrogate', async (options) => {
      this.report = await workers.call('interrogate', 'analyze', [image, request], options);
      const done = this.report.interrogation;
      this.message = done ? `Interrogated with ${done.model} on ${done.backend} in ${(done.ms / 1000).toFixed(1)} s (${done.embeddedLabels} labels embedded).` : 'Done.';
    });
  }

  cancel(): void {
    this.controller?.abort();
  }

  async copyPrompt(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.prompt);
      this.message = 'Prompt copied.';
    } catch {
      this.message = 'The browser refused the clipboard: select the prompt text and copy it.';
    }
  }

  dismissError(): void {
    this.failure.clear();
  }

  /** The default sets (unless turned off) plus the user's own list as "custom"; null when empty. */
  private async labelSets(): Promise<Record<string, string[]> | null> {
    const sets: Record<string, string[]> = {};
    if (this.useDefaultLabels) {
      this.defaults ??= await workers.call('interrogate', 'defaultLabels', []);
      Object.assign(sets, this.defaults);
    }
    const custom = parseLabels(this.customLabels);
    if (custom.length > 0) sets['custom'] = custom;
    return Object.keys(sets).length > 0 ? sets : null;
  }

  private async run(kind: Exclude<Busy, null>, job: (options: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void }) => Promise<void>): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.busy = kind;
    this.progress = null;
    this.failure.clear();
    this.message = null;
    try {
      await job({ signal: controller.signal, onProgress: (event) => (event.kind === 'step' ? (this.progress = { index: event.index, count: event.count }) : undefined) });
    } catch (error) {
      if (isCancelled(error)) this.message = 'Cancelled.';
      // Again: the same image and request, as the job closure holds them.
      else this.failure.show(error, { page: 'interrogate' }, () => this.run(kind, job));
    } finally {
      if (this.controller === controller) {
        this.busy = null;
        this.progress = null;
        this.controller = null;
      }
    }
  }
}
