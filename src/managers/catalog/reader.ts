// Reads fields of one catalog object, throwing a CatalogError that names the entry and the field.
// Every string and list is bounded (LIMITS) and a bad value is echoed only in a short preview, so a
// hostile or broken catalog cannot exhaust memory or flood the UI.

import { CatalogError } from '../errors.ts';

export const LIMITS = {
  entries: 1000,
  name: 200,
  text: 4000,
  url: 2048,
  listItems: 64,
  files: 32,
  downloads: 64,
  license: 20000,
  // Larger than any model we expect (the biggest SD exports are ~10 GB), small enough to catch nonsense.
  maxFileBytes: 64 * 1024 ** 3,
} as const;

export type Json = Record<string, unknown>;

/** Reads fields of one object, throwing a CatalogError that names the entry and field. */
export class Reader {
  constructor(
    private readonly entry: string,
    private readonly data: Json,
    private readonly prefix: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new CatalogError(this.entry, this.prefix + field, problem);
  }

  string(field: string, options: { max?: number; optional?: boolean; fallback?: string } = {}): string {
    const value = this.data[field];
    if (value === undefined && options.optional) return options.fallback ?? '';
    if (typeof value !== 'string') this.fail(field, value === undefined ? 'is missing' : `must be a string, not ${typeName(value)}`);
    const max = options.max ?? LIMITS.text;
    if (value.length > max) this.fail(field, `is ${value.length} characters long; at most ${max} are allowed`);
    return value;
  }

  name(field: string): string {
    const value = this.string(field, { max: LIMITS.name });
    if (value.trim() === '') this.fail(field, 'must not be empty');
    return value;
  }

  boolean(field: string, optional = false): boolean {
    const value = this.data[field];
    if (value === undefined && optional) return false;
    if (typeof value !== 'boolean') this.fail(field, value === undefined ? 'is missing' : `must be true or false, not ${typeName(value)}`);
    return value;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], optional: true): T | undefined;
  oneOf<T extends string>(field: string, allowed: readonly T[]): T;
  oneOf<T extends string>(field: string, allowed: readonly T[], optional = false): T | undefined {
    const value = this.data[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${allowed.join(', ')}, not ${preview(value)}`);
    }
    return value as T;
  }

  strings(field: string, options: { optional?: boolean; allowed?: readonly string[] } = {}): string[] {
    const value = this.data[field];
    if (value === undefined && options.optional) return [];
    if (!Array.isArray(value)) this.fail(field, value === undefined ? 'is missing' : `must be a list of strings, not ${typeName(value)}`);
    if (value.length > LIMITS.listItems) this.fail(field, `has ${value.length} items; at most ${LIMITS.listItems} are allowed`);
    return value.map((item, index) => {
      if (typeof item !== 'string') this.fail(`${field}[${index}]`, `must be a string, not ${typeName(item)}`);
      if (item.length > LIMITS.name) this.fail(`${field}[${index}]`, `is ${item.length} characters long; at most ${LIMITS.name} are allowed`);
      if (options.allowed && !options.allowed.includes(item)) this.fail(`${field}[${index}]`, `must be one of ${options.allowed.join(', ')}, not ${preview(item)}`);
      return item;
    });
  }

  /** An http(s) URL; with `relative`, also a path relative to the app ("models/builtin/x.onnx"). */
  url(field: string, options: { optional?: boolean; relative?: boolean } = {}): string {
    const value = this.string(field, { max: LIMITS.url, optional: options.optional });
    if (value === '' && options.optional) return '';
    const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(value);
    if (!hasScheme && options.relative && !value.startsWith('//') && !value.includes('..') && value.trim() !== '') return value;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.fail(field, `is not a URL: ${preview(value)}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') this.fail(field, `must be an http(s) URL, not ${parsed.protocol}`);
    return value;
  }

  size(field: string): number | null {
    const value = this.data[field];
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(field, value === undefined ? 'is missing' : `must be a whole number of bytes, not ${preview(value)}`);
    if (value < 0) this.fail(field, `must not be negative (${value})`);
    if (value > LIMITS.maxFileBytes) this.fail(field, `is ${value} bytes, more than the ${LIMITS.maxFileBytes} a file may have`);
    return value;
  }

  sha256(field: string): string | null {
    const value = this.data[field];
    if (value === null) return null;
    if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
      this.fail(field, value === undefined ? 'is missing (use null with "unverified": true when it is not published)' : `must be 64 hex digits, not ${preview(value)}`);
    }
    return value.toLowerCase();
  }

  list(field: string, max: number): Json[] {
    const value = this.data[field];
    if (!Array.isArray(value)) this.fail(field, value === undefined ? 'is missing' : `must be a list, not ${typeName(value)}`);
    if (value.length === 0) this.fail(field, 'must not be empty');
    if (value.length > max) this.fail(field, `has ${value.length} items; at most ${max} are allowed`);
    value.forEach((item, index) => {
      if (!isObject(item)) this.fail(`${field}[${index}]`, `must be an object, not ${typeName(item)}`);
    });
    return value as Json[];
  }

  object(field: string): Json {
    const value = this.data[field];
    if (!isObject(value)) this.fail(field, value === undefined ? 'is missing' : `must be an object, not ${typeName(value)}`);
    return value;
  }

  child(object: Json, prefix: string): Reader {
    return new Reader(this.entry, object, this.prefix + prefix);
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A short, safe rendering of a bad value for a message (huge strings are cut). */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
