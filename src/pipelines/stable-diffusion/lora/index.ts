// LoRA at inference: read a .safetensors LoRA, group its tensors by module, merge into a graph.
import { readSafetensors, toFloat32 } from '../../predictor/safetensors.ts';
import { groupLora, type LoraModule } from './names.ts';

export interface ParsedLora {
  modules: LoraModule[];
  /** Tensor names in no known dialect (LoHa's hada_*, embeddings, …). */
  ignored: string[];
  metadata: Record<string, string>;
}

export function readLora(bytes: Uint8Array): ParsedLora {
  const { tensors, metadata } = readSafetensors(bytes);
  return { ...groupLora(tensors, toFloat32), metadata };
}

export { mergeLoras, type LoraApplication, type MergeReport } from './merge.ts';
export { parseLoraKey, underscoreKey, type LoraComponent, type LoraModule } from './names.ts';
export { loraTargets, type LoraTarget } from './targets.ts';
