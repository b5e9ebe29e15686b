// The weights a LoRA can patch in an exported graph, by module. torch.onnx names a Linear's
// weight "onnx::MatMul_1234" and stores it transposed ([in, out]), so the module is read from the
// consuming node's name ("/down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_q/MatMul");
// convolutions keep their parameter names ("down_blocks.0.resnets.0.conv1.weight", [out, in, kh, kw]).

import type { GraphNode, Initializer, OnnxGraph } from '../onnx/model.ts';
import { ONNX_FLOAT, ONNX_FLOAT16 } from '../onnx/model.ts';
import { underscoreKey } from './names.ts';

export interface LoraTarget {
  initializer: Initializer;
  /** 'out-in': torch's own layout (Conv, Gemm transB, a weight fed through Transpose); 'in-out': MatMul's. */
  layout: 'out-in' | 'in-out';
  /** The graph module path it was found under (for messages). */
  module: string;
}

/** "/a.0/b/to_q/MatMul" → "a.0.b.to_q": the scope torch.onnx gives a node, without the op name. */
export function moduleOfNode(name: string): string | null {
  const parts = name.split('/').filter(Boolean);
  if (parts.length < 2) return null;
  return parts.slice(0, -1).join('.');
}

/** "a.b.weight" → "a.b". */
export function moduleOfParameter(name: string): string | null {
  return name.endsWith('.weight') ? name.slice(0, -'.weight'.length) : null;
}

function floatInitializer(graph: OnnxGraph, name: string | undefined): Initializer | undefined {
  const initializer = name === undefined ? undefined : graph.initializers.get(name);
  return initializer && (initializer.dataType === ONNX_FLOAT || initializer.dataType === ONNX_FLOAT16) && initializer.data ? initializer : undefined;
}

function add(map: Map<string, LoraTarget>, module: string | null, target: Omit<LoraTarget, 'module'>): void {
  if (!module) return;
  const key = underscoreKey(module);
  if (!map.has(key)) map.set(key, { ...target, module });
}

/** Every patchable weight of the graph, keyed by module in underscore form. */
export function loraTargets(graph: OnnxGraph): Map<string, LoraTarget> {
  const map = new Map<string, LoraTarget>();
  const consumers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  for (const node of graph.nodes) {
    const module = moduleOfNode(node.name);
    if (node.opType === 'Conv') {
      const weight = floatInitializer(graph, node.inputs[1]);
      if (weight && weight.dims.length === 4) add(map, moduleOfParameter(weight.name) ?? module, { initializer: weight, layout: 'out-in' });
    } else if (node.opType === 'MatMul' || node.opType === 'Gemm') {
      const weight = floatInitializer(graph, node.inputs[1]);
      if (!weight || weight.dims.length !== 2) continue;
      const layout = node.opType === 'Gemm' && node.ints['transB'] === 1 ? 'out-in' : 'in-out';
      add(map, moduleOfParameter(weight.name) ?? module, { initializer: weight, layout });
    } else if (node.opType === 'Transpose') {
      // An exporter that kept the [out, in] parameter and transposes it at run time.
      const weight = floatInitializer(graph, node.inputs[0]);
      const matmul = consumers.get(node.outputs[0]!)?.find((c) => c.opType === 'MatMul');
      if (weight && weight.dims.length === 2 && matmul) add(map, moduleOfParameter(weight.name) ?? moduleOfNode(matmul.name), { initializer: weight, layout: 'out-in' });
    }
  }
  return map;
}
