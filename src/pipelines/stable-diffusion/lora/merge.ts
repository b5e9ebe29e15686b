// Merges LoRAs into an ONNX model's weights before its session is created: W += strength ·
// (alpha / rank) · up · down, written over the weight's own bytes (in the .onnx file or its
// external-data file), so nothing is re-encoded and the model's size is unchanged. Unmerging is
// reloading the stored bytes. Port of nataili util/lora.py patch_model for LoRA and LoCon
// (LoHa and LoCon's mid weights are reported as skipped).

import { fromHalf, toHalf } from '../../../runtime/float16.ts';
import type { ModelFiles } from '../../../runtime/ort.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { toFloat32, type SafeTensor } from '../../predictor/safetensors.ts';
import { ONNX_FLOAT16, type OnnxGraph } from '../onnx/model.ts';
import type { LoraComponent, LoraModule } from './names.ts';
import { loraTargets, type LoraTarget } from './targets.ts';

export interface LoraApplication {
  /** A display name for reports. */
  name: string;
  modules: LoraModule[];
  /** nataili's strength_model / strength_clip: the UNet's and the text encoder's multipliers. */
  strength: number;
}

export interface MergeReport {
  merged: string[];
  /** Modules of this component the graph has no weight for, or whose shape does not fit. */
  skipped: string[];
}

/** The weight bytes of a target: a view over the model file or over its external-data file. */
function weightBytes(files: ModelFiles, target: LoraTarget): Uint8Array {
  const { data, name, dataType } = target.initializer;
  const size = target.initializer.dims.reduce((a, b) => a * b, 1) * (dataType === ONNX_FLOAT16 ? 2 : 4);
  if (!data) throw new InvalidInputError(`${name} has no data to patch.`);
  if (data.kind !== 'external') return files.model.subarray(data.start, data.end);
  const file = files.externalData?.find((f) => f.path === data.location);
  if (!file) throw new InvalidInputError(`${name} lives in ${data.location}, which was not loaded with the model.`);
  return file.data.subarray(data.offset, data.offset + (data.length ?? size));
}

/** up [out, r(, 1, 1)] · down [r, in(, kh, kw)] as a flat [out, in·kh·kw] matrix. */
function product(up: SafeTensor, down: SafeTensor, scale: number): { delta: Float32Array; out: number; cols: number } {
  const rank = down.shape[0]!;
  const out = up.shape[0]!;
  const upCols = up.shape.slice(1).reduce((a, b) => a * b, 1);
  if (upCols !== rank) throw new InvalidInputError(`LoRA ${up.name}: up has ${upCols} columns, down has ${rank} rows.`);
  const cols = down.shape.slice(1).reduce((a, b) => a * b, 1);
  const u = toFloat32(up);
  const d = toFloat32(down);
  const delta = new Float32Array(out * cols);
  for (let o = 0; o < out; o++) {
    const row = o * cols;
    for (let r = 0; r < rank; r++) {
      const k = u[o * rank + r]! * scale;
      if (k === 0) continue;
      const dRow = r * cols;
      for (let c = 0; c < cols; c++) delta[row + c] = delta[row + c]! + k * d[dRow + c]!;
    }
  }
  return { delta, out, cols };
}

function addInto(bytes: Uint8Array, half: boolean, index: (o: number, c: number) => number, delta: Float32Array, out: number, cols: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o < out; o++) {
    for (let c = 0; c < cols; c++) {
      const at = index(o, c);
      const add = delta[o * cols + c]!;
      if (half) view.setUint16(at * 2, toHalf(fromHalf(view.getUint16(at * 2, true)) + add), true);
      else view.setFloat32(at * 4, view.getFloat32(at * 4, true) + add, true);
    }
  }
}

/**
 * Patches the weights of one component's graph in place. `graph` is readOnnxGraph(files.model);
 * the caller hands over bytes it may change (a fresh read from the model store).
 */
export function mergeLoras(files: ModelFiles, graph: OnnxGraph, component: LoraComponent, loras: readonly LoraApplication[]): MergeReport {
  const targets = loraTargets(graph);
  const report: MergeReport = { merged: [], skipped: [] };
  for (const lora of loras) {
    if (lora.strength === 0) continue;
    for (const module of lora.modules) {
      if (module.component !== component) continue;
      const label = `${lora.name}: ${module.key}`;
      const target = targets.get(module.key);
      if (!target || !module.up || !module.down) {
        report.skipped.push(`${label} (no such weight in the graph)`);
        continue;
      }
      if (module.mid) {
        report.skipped.push(`${label} (LoCon mid weights are not supported)`);
        continue;
      }
      const rank = module.down.shape[0]!;
      const { delta, out, cols } = product(module.up, module.down, lora.strength * ((module.alpha ?? rank) / rank));
      const dims = target.initializer.dims;
      if (dims.reduce((a, b) => a * b, 1) !== out * cols) {
        report.skipped.push(`${label} (LoRA ${out}×${cols} does not fit ${target.module} [${dims.join(', ')}])`);
        continue;
      }
      const half = target.initializer.dataType === ONNX_FLOAT16;
      const bytes = weightBytes(files, target);
      // MatMul weights are [in, out]: the LoRA's (o, i) element lands at i·out + o.
      const index = target.layout === 'out-in' ? (o: number, c: number) => o * cols + c : (o: number, c: number) => c * out + o;
      addInto(bytes, half, index, delta, out, cols);
      report.merged.push(label);
    }
  }
  return report;
}
