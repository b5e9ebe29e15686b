// What a gallery card says about a result, as plain text (Svelte renders it as text, never HTML).
import { samplerToA1111 } from '../../../shared/png/index.ts';
import type { GalleryItem, ResultKind } from '../../../workers/api.ts';

export const KIND_LABELS: Record<ResultKind, string> = { generate: 'Generated', upscale: 'Upscaled', restore: 'Faces restored', caption: 'Captioned' };

/** The thumbnail's alt text: the prompt or caption, else what the image is. */
export function altText(item: GalleryItem): string {
  return item.text.trim() || `${KIND_LABELS[item.kind]} image, ${item.width}×${item.height}`;
}

export function dateText(time: number): string {
  return new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Label and value rows for the card's parameter list. */
export function parameterRows(item: GalleryItem): [string, string][] {
  const rows: [string, string][] = [];
  const g = item.params.generation;
  if (g) {
    if (g.negativePrompt) rows.push(['Negative prompt', g.negativePrompt]);
    if (g.steps !== undefined) rows.push(['Steps', String(g.steps)]);
    if (g.sampler) rows.push(['Sampler', samplerToA1111(g.sampler) ?? g.sampler]);
    if (g.cfgScale !== undefined) rows.push(['CFG scale', String(g.cfgScale)]);
    if (g.seed !== undefined) rows.push(['Seed', String(g.seed)]);
    if (g.width !== undefined && g.height !== undefined) rows.push(['Size', `${g.width}×${g.height}`]);
    if (g.model) rows.push(['Model', g.model]);
    if (g.denoisingStrength !== undefined) rows.push(['Denoising strength', String(g.denoisingStrength)]);
    if (g.clipSkip !== undefined) rows.push(['Clip skip', String(g.clipSkip)]);
    rows.push(...g.extra);
  }
  const p = item.params.process;
  if (p) {
    rows.push([item.kind === 'caption' ? 'Captioned with' : 'Processed with', p.model]);
    for (const [key, value] of Object.entries(p.settings ?? {})) rows.push([key, String(value)]);
  }
  return rows;
}
