// Tensors as plain data: what pipelines hand to sessions and what crosses between workers.
// ORT's own Tensor class stays inside src/runtime (its only importer).

export type TensorType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** Element storage per type; float16 is raw 16-bit patterns (see float16.ts), bool one byte each. */
export interface TensorArrays {
  float32: Float32Array;
  float16: Uint16Array;
  /** Scalars some exports take in double (CodeFormer's fidelity `w`). */
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TensorArray = TensorArrays[TensorType];

export interface TensorData<T extends TensorType = TensorType> {
  type: T;
  dims: number[];
  data: TensorArrays[T];
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function tensor<T extends TensorType>(type: T, data: TensorArrays[T], dims: readonly number[]): TensorData<T> {
  if (data.length !== elementCount(dims)) {
    throw new RangeError(`A ${type} tensor of shape [${dims.join(', ')}] needs ${elementCount(dims)} values, got ${data.length}.`);
  }
  return { type, dims: [...dims], data };
}

export function float32(data: Float32Array, dims: readonly number[]): TensorData<'float32'> {
  return tensor('float32', data, dims);
}
