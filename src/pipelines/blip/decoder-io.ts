// What one text-decoder step feeds and reads, the same for BLIP's and CoCa's decoders: the rows'
// ids as one int64 batch, the image's encoder output repeated once per row (beams all describe
// the same image), and the last position's logits of each row.

import type { TensorData } from '../../runtime/tensor.ts';
import { NatailiError } from '../../shared/errors.ts';

/** Rows of equal length as int64 [rows, length]. */
export function idsBatch(rows: readonly (readonly number[])[]): TensorData<'int64'> {
  const n = rows.length;
  const length = rows[0]!.length;
  const ids = new BigInt64Array(n * length);
  rows.forEach((row, r) => row.forEach((id, i) => (ids[r * length + i] = BigInt(id))));
  return { type: 'int64', dims: [n, length], data: ids };
}

/** A [1, tokens, width] image tensor repeated to [n, tokens, width]. */
export function repeatRows(image: TensorData<'float32'>, n: number): TensorData<'float32'> {
  const per = image.data.length;
  const repeated = new Float32Array(n * per);
  for (let r = 0; r < n; r++) repeated.set(image.data, r * per);
  return { type: 'float32', dims: [n, image.dims[1]!, image.dims[2]!], data: repeated };
}

/** The last position's logits of each of `n` rows, from float32 `name` [n, length, vocab]. */
export function lastLogits(outputs: Record<string, TensorData>, name: string, n: number, decoder: string): Float32Array[] {
  const logits = outputs[name];
  if (!logits || logits.type !== 'float32' || logits.dims.length !== 3 || logits.dims[0] !== n) {
    throw new NatailiError('model', `The ${decoder} decoder must return float32 "${name}" [${n}, length, vocab].`);
  }
  const [, steps, vocab] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  return Array.from({ length: n }, (_, r) => data.subarray((r * steps + steps - 1) * vocab, (r * steps + steps) * vocab));
}
