// An ONNX initializer's values as float32, wherever they lie: raw bytes or float_data in the
// .onnx file, or a range of an external-data file; fp16 widened.

import type { ModelFiles } from '../../../runtime/index.ts';
import { float16ToFloat32 } from '../../../runtime/index.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { ONNX_FLOAT, ONNX_FLOAT16, type Initializer } from '../../stable-diffusion/onnx/model.ts';

export function initializerValues(files: ModelFiles, init: Initializer): Float32Array {
  const count = init.dims.reduce((a, b) => a * b, 1);
  const width = init.dataType === ONNX_FLOAT16 ? 2 : init.dataType === ONNX_FLOAT ? 4 : 0;
  if (!width) throw new InvalidInputError(`Weight ${init.name} is not float32 or float16 (ONNX type ${init.dataType}).`);
  const data = init.data;
  if (!data) throw new InvalidInputError(`Weight ${init.name} has no data.`);
  let bytes: Uint8Array;
  if (data.kind === 'external') {
    const file = files.externalData?.find((f) => f.path === data.location);
    if (!file) throw new InvalidInputError(`Weight ${init.name} lives in ${data.location}, which was not handed over with the model.`);
    bytes = file.data.subarray(data.offset, data.offset + (data.length ?? count * width));
  } else {
    bytes = files.model.subarray(data.start, data.end);
  }
  if (bytes.length !== count * width) throw new InvalidInputError(`Weight ${init.name} has ${bytes.length} bytes for [${init.dims.join(', ')}].`);
  // A copy into aligned memory: initializer bytes sit at any offset of the file.
  const aligned = bytes.slice();
  return width === 4 ? new Float32Array(aligned.buffer, 0, count) : float16ToFloat32(new Uint16Array(aligned.buffer, 0, count));
}

/** [rows, cols] → [cols, rows]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}
