// Bounds-checked readers for header parsing. A header parser must never throw a RangeError on a
// truncated file: every read goes through these, and `undefined` means "the file ends here".

export function u8(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at < b.length ? b[at] : undefined;
}

export function u16be(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at + 2 <= b.length ? (b[at]! << 8) | b[at + 1]! : undefined;
}

export function u16le(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at + 2 <= b.length ? b[at]! | (b[at + 1]! << 8) : undefined;
}

export function u24le(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at + 3 <= b.length ? b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) : undefined;
}

export function u32be(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at + 4 <= b.length ? ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0 : undefined;
}

export function u32le(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at + 4 <= b.length ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0 : undefined;
}

export function i32le(b: Uint8Array, at: number): number | undefined {
  const v = u32le(b, at);
  return v === undefined ? undefined : v | 0;
}

/** Latin-1 text of `length` bytes, or '' past the end (never matches a tag). */
export function ascii(b: Uint8Array, at: number, length: number): string {
  if (at < 0 || at + length > b.length) return '';
  let s = '';
  for (let i = at; i < at + length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function startsWith(b: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (at + prefix.length > b.length) return false;
  return prefix.every((v, i) => b[at + i] === v);
}

/** Any of the accepted inputs as bytes, without copying when a view will do. */
export function asBytes(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  return input instanceof Uint8Array
    ? input
    : ArrayBuffer.isView(input)
      ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
}
