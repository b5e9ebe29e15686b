// The little of the protobuf wire format an ONNX file needs to be read in place: varints and the
// four wire types, walked field by field without decoding into objects. Reading in place matters:
// an SD UNet is gigabytes, and LoRA merging edits weight bytes where they lie instead of copying
// the model into a decoded tree and encoding it again.

import { InvalidInputError } from '../../../shared/errors.ts';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** One field of a message: its number and wire type, and where its value lies in the buffer. */
export interface WireField {
  field: number;
  wire: number;
  /** The value of a varint field (exact up to 2⁵³, which covers every ONNX count and enum). */
  varint: number;
  /** Payload bounds of a length-delimited field, or of a fixed32/fixed64 value. */
  start: number;
  end: number;
}

function malformed(at: number, why: string): InvalidInputError {
  return new InvalidInputError(`This ONNX file is damaged or is not an ONNX model (byte ${at}: ${why}). Download or export the model again.`);
}

/** Reads a varint at `at`; returns its value and the offset after it. */
export function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= bytes.length) throw malformed(at, 'a number runs past the end');
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
  throw malformed(at, 'a number is longer than 10 bytes');
}

/** Every field of the message in bytes[start, end), in file order. */
export function* fields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<WireField> {
  let at = start;
  while (at < end) {
    const [key, afterKey] = readVarint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    at = afterKey;
    switch (wire) {
      case WIRE_VARINT: {
        const [varint, next] = readVarint(bytes, at);
        yield { field, wire, varint, start: at, end: next };
        at = next;
        break;
      }
      case WIRE_FIXED64:
        yield { field, wire, varint: 0, start: at, end: at + 8 };
        at += 8;
        break;
      case WIRE_BYTES: {
        const [length, next] = readVarint(bytes, at);
        if (next + length > end) throw malformed(at, `a field of ${length} bytes runs past its message`);
        yield { field, wire, varint: 0, start: next, end: next + length };
        at = next + length;
        break;
      }
      case WIRE_FIXED32:
        yield { field, wire, varint: 0, start: at, end: at + 4 };
        at += 4;
        break;
      default:
        throw malformed(at, `unknown wire type ${wire}`);
    }
    if (at > end) throw malformed(at, 'a field runs past its message');
  }
}

const utf8 = new TextDecoder();

export function text(bytes: Uint8Array, f: WireField): string {
  return utf8.decode(bytes.subarray(f.start, f.end));
}

/** A repeated integer field, packed (one length-delimited run of varints) or not (one varint). */
export function pushInts(bytes: Uint8Array, f: WireField, into: number[]): void {
  if (f.wire === WIRE_VARINT) {
    into.push(f.varint);
    return;
  }
  let at = f.start;
  while (at < f.end) {
    const [value, next] = readVarint(bytes, at);
    into.push(value);
    at = next;
  }
}
