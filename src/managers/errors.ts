// The failures a model manager can meet, one class each, every message saying what to do next.
// They reuse the shared codes, so they cross the worker boundary like every other NatailiError.

import { NatailiError } from '../shared/errors.ts';

/** Bytes that do not match the catalog (or the hash pinned on first download). */
export class IntegrityError extends NatailiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('integrity', message, options);
  }
}

/** The connection failed, dropped or stalled; a later download resumes from the last stored chunk. */
export class NetworkError extends NatailiError {
  readonly status: number | null;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super('network', message, options);
    this.status = options?.status ?? null;
  }
}

/** The browser refused to store more bytes. `neededBytes` is how much more room the model needs. */
export class QuotaError extends NatailiError {
  readonly neededBytes: number;
  constructor(message: string, neededBytes: number, options?: { cause?: unknown }) {
    super('quota', message, options);
    this.neededBytes = neededBytes;
  }
}

/** A model, file or URL that does not exist (404, or an HTML page served in the model's place). */
export class NotFoundError extends NatailiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not-found', message, options);
  }
}

/** An import-only entry (no one publishes its files): it cannot be downloaded, only imported. */
export class ImportOnlyError extends NatailiError {
  readonly model: string;
  constructor(model: string, instructions: string, fileNames: string[]) {
    super(
      'not-found',
      `${model} cannot be downloaded: it is import-only (bring your own export). ${instructions.trim()} ` +
        `The files it expects: ${fileNames.join(', ')}.`,
    );
    this.model = model;
  }
}

/** A catalog entry that breaks the schema; `entry` and `field` name where. */
export class CatalogError extends NatailiError {
  readonly entry: string;
  readonly field: string;
  constructor(entry: string, field: string, problem: string) {
    super('catalog', `Catalog entry ${entry}: ${field} ${problem}. Fix the entry or remove it from the catalog.`);
    this.entry = entry;
    this.field = field;
  }
}

/** A file without a known hash: the user must accept it before it is downloaded (its hash is then pinned). */
export class UnverifiedModelError extends NatailiError {
  readonly model: string;
  constructor(model: string) {
    super(
      'integrity',
      `${model} has no published sha256, so its download cannot be verified. Accept the unverified file to download it; ` +
        'its hash is then pinned and every later download must match it.',
    );
    this.model = model;
  }
}

/** The model was marked bad (hash mismatch, failed load); a fresh download clears the mark. */
export class TaintedModelError extends NatailiError {
  constructor(model: string, reason: string) {
    super('model', `${model} is marked unusable: ${reason} Download it again to clear the mark.`);
  }
}

/** Bytes as a person reads them: 1.5 GB, 300 MB, 12 KB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Whether an error thrown by IndexedDB (or a Blob write) means the quota is full. */
export function isQuotaExceeded(error: unknown): boolean {
  if (error instanceof QuotaError) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
