// A baseline JPEG encoder for images made of flat 8×8 blocks, for tests that need JPEGs a
// canvas cannot write (CMYK, YCCK, odd component counts). With an all-ones quantisation table
// a flat block has one DC coefficient, 8·(v − 128), and no AC terms, so any decoder must give v
// back exactly: the expected pixels are known without running a decoder.
import { adobeSegment, be16, concat } from './image-builders.ts';

export interface FlatJpegOptions {
  /** Block columns and rows; the image is 8·blocksX × 8·blocksY. */
  blocksX: number;
  blocksY: number;
  /** Stored sample values per block (row-major), one entry per component. */
  blocks: readonly (readonly number[])[];
  /** Adobe APP14 transform (0 = none/CMYK, 1 = YCbCr, 2 = YCCK); no APP14 when omitted. */
  adobeTransform?: number;
  /** Extra segments after SOI (EXIF, …). */
  segments?: Uint8Array[];
}

/** Magnitude category of a DC difference (bits needed). */
function category(v: number): number {
  let a = Math.abs(v);
  let c = 0;
  while (a > 0) {
    c++;
    a >>= 1;
  }
  return c;
}

export function flatJpeg(options: FlatJpegOptions): Uint8Array<ArrayBuffer> {
  const components = options.blocks[0]!.length;
  const width = options.blocksX * 8;
  const height = options.blocksY * 8;
  const dqt = [0x00, ...new Array<number>(64).fill(1)];
  const sof = [8, ...be16(height), ...be16(width), components];
  for (let c = 1; c <= components; c++) sof.push(c, 0x11, 0);
  // DC table 0: categories 0..11, all with 4-bit codes (0000 … 1011). AC table 0: EOB only, code 00.
  const dcBits = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const dht = [0x00, ...dcBits, ...Array.from({ length: 12 }, (_, i) => i), 0x10, 0, 1, ...new Array<number>(14).fill(0), 0x00];
  const sos = [components];
  for (let c = 1; c <= components; c++) sos.push(c, 0x00);
  sos.push(0, 63, 0);

  const bytes: number[] = [];
  let acc = 0;
  let n = 0;
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      n++;
      if (n === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0x00); // byte stuffing
        acc = 0;
        n = 0;
      }
    }
  };
  const previous = new Array<number>(components).fill(0);
  for (const block of options.blocks) {
    for (let c = 0; c < components; c++) {
      const dc = 8 * (block[c]! - 128);
      const diff = dc - previous[c]!;
      previous[c] = dc;
      const cat = category(diff);
      put(cat, 4);
      if (cat > 0) put(diff >= 0 ? diff : diff + (1 << cat) - 1, cat);
      put(0b00, 2); // EOB: no AC coefficients
    }
  }
  if (n > 0) put((1 << (8 - n)) - 1, 8 - n); // pad with 1 bits

  const segment = (marker: number, payload: readonly number[]) => concat([0xff, marker], be16(payload.length + 2), payload);
  return concat(
    [0xff, 0xd8],
    ...(options.segments ?? []),
    options.adobeTransform === undefined ? [] : adobeSegment(options.adobeTransform),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xc4, dht),
    segment(0xda, sos),
    bytes,
    [0xff, 0xd9],
  );
}
