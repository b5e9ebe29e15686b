// A trained head as nataili's state dict in .safetensors ("layers.<i>.weight" [out, in],
// "layers.<i>.bias"), which AestheticMlp.fromSafetensors reads back with the same ReLUs.

import { writeSafetensors } from '../lora/safetensors-write.ts';
import { sequentialIndices } from './architecture.ts';
import type { TrainedHead } from './train.ts';

export function exportPredictor(head: TrainedHead, metadata: Record<string, string> = {}): Uint8Array {
  const indices = sequentialIndices(head.layers);
  let fanIn = head.inputs;
  const tensors = head.layers.flatMap((layer, i) => {
    const shape = [layer.outputs, fanIn];
    fanIn = layer.outputs;
    return [
      { name: `layers.${indices[i]}.weight`, shape, data: head.weights[i]! },
      { name: `layers.${indices[i]}.bias`, shape: [layer.outputs], data: head.biases[i]! },
    ];
  });
  return writeSafetensors(tensors, { best_epoch: String(head.bestEpoch), val_accuracy: String(head.bestAccuracy), ...metadata });
}
