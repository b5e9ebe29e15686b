// Reads ncnn's `.bin` weights in the order the layers ask for them. ncnn stores two kinds of
// blobs: "tagged" ones (convolution weights) start with a 4-byte tag saying how the values are
// stored; "raw" ones (biases, PReLU slopes) are bare float32. Quantised and int8 storage exist in
// ncnn but not in the models we convert, so they are rejected instead of guessed at.

/** Tag of a float16 blob: bytes 47 6B 30 01, read little-endian. */
export const TAG_FP16 = 0x01306b47;
/** A zero tag means float32 values follow. */
export const TAG_FP32 = 0;
const TAG_INT8 = 0x000d4b38;
const TAG_FP32_SCALED = 0x0002c056;

export class NcnnBinError extends Error {
  override name = 'NcnnBinError';
}

/** IEEE 754 half → single. Written out because Node 20 has no Float16Array. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const align4 = (n: number): number => (n + 3) & ~3;

export class NcnnWeightReader {
  private offset = 0;
  private valuesRead = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes read so far. */
  get position(): number {
    return this.offset;
  }

  /** Weight values (not bytes, not tags) handed out so far. */
  get valueCount(): number {
    return this.valuesRead;
  }

  private need(byteCount: number, what: string): void {
    if (this.offset + byteCount > this.bytes.byteLength) {
      throw new NcnnBinError(`${what}: needs ${byteCount} bytes at offset ${this.offset}, the file has ${this.bytes.byteLength}`);
    }
  }

  /** A blob with a leading storage tag (ncnn's ModelBin type 0). */
  readTagged(count: number, what: string): Float32Array {
    this.need(4, what);
    const tag = this.view.getUint32(this.offset, true);
    this.offset += 4;
    if (tag === TAG_FP16) {
      // ncnn pads float16 blobs to a 4-byte boundary.
      const byteCount = align4(count * 2);
      this.need(byteCount, what);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(this.view.getUint16(this.offset + i * 2, true));
      this.offset += byteCount;
      this.valuesRead += count;
      return out;
    }
    if (tag === TAG_FP32) return this.readRaw(count, what);
    if (tag === TAG_INT8 || tag === TAG_FP32_SCALED) throw new NcnnBinError(`${what}: int8/scaled weights (tag 0x${tag.toString(16)}) are not supported`);
    // Any other non-zero tag is ncnn's 256-entry quantisation table, also unsupported.
    throw new NcnnBinError(`${what}: unknown weight tag 0x${tag.toString(16).padStart(8, '0')} at offset ${this.offset - 4}`);
  }

  /** A bare float32 blob (ncnn's ModelBin type 1). */
  readRaw(count: number, what: string): Float32Array {
    const byteCount = count * 4;
    this.need(byteCount, what);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(this.offset + i * 4, true);
    this.offset += byteCount;
    this.valuesRead += count;
    return out;
  }

  /** Throws unless every byte was read: leftovers mean a layer read the wrong sizes. */
  assertConsumed(): void {
    if (this.offset !== this.bytes.byteLength) {
      throw new NcnnBinError(`weights not fully consumed: read ${this.offset} of ${this.bytes.byteLength} bytes`);
    }
  }
}
