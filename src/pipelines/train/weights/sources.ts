// Where base weights come from, as functions from a parameter (diffusers / transformers name,
// torch layout) to its values:
// - positionalOnnxSource: the fixture graphs of scripts/tiny-models, whose initializers carry
//   generated names ("linear_w_12") in the order the builder made them. They are matched to the
//   parameter list in that order, each checked by prefix and shape; constants are skipped.
// - namedOnnxSource: exports that keep torch's names, as torch.onnx writes SD graphs: norms,
//   biases and convs under their parameter names, Linear weights as "onnx::MatMul_N" [in, out]
//   found through the scope of the node that reads them (the LoRA merger's targets).
// - safetensorsSource: diffusers / transformers state dicts, by name.

import type { ModelFiles } from '../../../runtime/index.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { readSafetensors, toFloat32 } from '../../predictor/safetensors.ts';
import { readOnnxGraph, type Initializer } from '../../stable-diffusion/onnx/model.ts';
import { underscoreKey } from '../../stable-diffusion/lora/names.ts';
import { loraTargets } from '../../stable-diffusion/lora/targets.ts';
import type { ParamSpec } from '../unet/params.ts';
import { initializerValues, transpose2d } from './initializers.ts';

export type WeightSource = (spec: ParamSpec) => Float32Array;

/** Constants the fixture builders add that are not parameters. */
const CONSTANT = /^(const_[fi]\d+|timestep_frequencies|gn_unit|gn_zero|resize_scales)(_\d+)?$/;
/** Kinds stored [in, out] by the fixture builders (MatMul weights). */
const IN_OUT = new Set(['linear_w', 'temb_w']);

const sameSize = (a: readonly number[], b: readonly number[]) => a.reduce((x, y) => x * y, 1) === b.reduce((x, y) => x * y, 1);

function torchLayout(values: Float32Array, spec: ParamSpec, inOut: boolean): Float32Array {
  if (!inOut || spec.shape.length !== 2) return values;
  const [out, inF] = spec.shape as [number, number];
  return transpose2d(values, inF, out);
}

export function positionalOnnxSource(files: ModelFiles, specs: readonly ParamSpec[]): WeightSource {
  const graph = readOnnxGraph(files.model);
  const weights = [...graph.initializers.values()].filter((init) => !CONSTANT.test(init.name));
  if (weights.length !== specs.length) {
    throw new InvalidInputError(`This graph has ${weights.length} weights; the training layout expects ${specs.length}. It is not the model this layout describes.`);
  }
  const byName = new Map<string, Float32Array>();
  specs.forEach((spec, i) => {
    const init = weights[i]!;
    const prefix = init.name.replace(/_\d+$/, '');
    const onnxShape = IN_OUT.has(spec.kind) ? [spec.shape[1]!, spec.shape[0]!] : spec.shape;
    if (prefix !== spec.kind || !sameSize(init.dims, onnxShape) || (init.dims.length === 2 && init.dims.join() !== onnxShape.join())) {
      throw new InvalidInputError(`Weight ${i} (${init.name} [${init.dims.join(', ')}]) does not fit ${spec.name} (${spec.kind} [${onnxShape.join(', ')}]).`);
    }
    byName.set(spec.name, torchLayout(initializerValues(files, init), spec, IN_OUT.has(spec.kind)));
  });
  return (spec) => {
    const found = byName.get(spec.name);
    if (!found) throw new InvalidInputError(`No weight for ${spec.name}.`);
    return found;
  };
}

export function namedOnnxSource(files: ModelFiles, prefix = ''): WeightSource {
  const graph = readOnnxGraph(files.model);
  const targets = loraTargets(graph);
  return (spec) => {
    const name = prefix + spec.name;
    const module = name.replace(/\.(weight|bias)$/, '');
    const linearWeight = spec.shape.length === 2 && name.endsWith('.weight') ? targets.get(underscoreKey(module)) : undefined;
    if (linearWeight && sameSize(linearWeight.initializer.dims, spec.shape)) {
      return torchLayout(initializerValues(files, linearWeight.initializer), spec, linearWeight.layout === 'in-out');
    }
    const init: Initializer | undefined = graph.initializers.get(name);
    if (!init || !sameSize(init.dims, spec.shape)) {
      throw new InvalidInputError(`This export has no weight ${name} [${spec.shape.join(', ')}]${init ? ` (it has [${init.dims.join(', ')}])` : ''}. Training needs an export that keeps torch's parameter names.`);
    }
    return initializerValues(files, init);
  };
}

export function safetensorsSource(bytes: Uint8Array, prefix = ''): WeightSource {
  const { tensors } = readSafetensors(bytes);
  return (spec) => {
    const tensor = tensors.get(prefix + spec.name);
    if (!tensor || !sameSize(tensor.shape, spec.shape)) throw new InvalidInputError(`The weights file has no ${prefix + spec.name} [${spec.shape.join(', ')}].`);
    return toFloat32(tensor);
  };
}
