// Default label sets for interrogation, under nataili's names. Written for this project; the UI
// lets people edit them, so callers get fresh copies and never share the built-in arrays.
import { ARTISTS } from './artists.ts';
import { FLAVORS } from './flavors.ts';
import { MEDIUMS } from './mediums.ts';
import { MOVEMENTS } from './movements.ts';
import { SITES } from './sites.ts';
import { TAGS } from './tags.ts';
import { TECHNIQUES } from './techniques.ts';

export const LABEL_SET_NAMES = ['mediums', 'flavors', 'artists', 'movements', 'sites', 'techniques', 'tags'] as const;
export type LabelSetName = (typeof LABEL_SET_NAMES)[number];

const DEFAULTS: Readonly<Record<LabelSetName, readonly string[]>> = {
  mediums: MEDIUMS,
  flavors: FLAVORS,
  artists: ARTISTS,
  movements: MOVEMENTS,
  sites: SITES,
  techniques: TECHNIQUES,
  tags: TAGS,
};

/** A fresh, editable copy of the built-in sets. */
export function defaultLabelSets(): Record<LabelSetName, string[]> {
  return Object.fromEntries(LABEL_SET_NAMES.map((name) => [name, [...DEFAULTS[name]]])) as Record<LabelSetName, string[]>;
}

/** A user-edited list (one label per line) as a set: trimmed, blank lines and repeats dropped. */
export function parseLabelList(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0))];
}
