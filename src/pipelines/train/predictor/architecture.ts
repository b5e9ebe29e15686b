// nataili's aesthetic-predictor heads as layer lists (clip/predictor/mlp.py): MLP (the LAION
// improved-aesthetic-predictor), H14_MLP and H14_MLP_2, each an nn.Sequential of Linear, ReLU and
// Dropout. The state dict names a Linear by its index in that Sequential; the inference reader
// (pipelines/predictor/mlp.ts) infers ReLUs from the gaps between indices, so exports must keep
// them. A 'custom' list (tests, small datasets) is allowed with the same conventions.

import { InvalidInputError } from '../../../shared/errors.ts';

export interface HeadLayer {
  outputs: number;
  relu: boolean;
  /** Dropout probability after the layer (0: none). */
  dropout: number;
}

export type HeadName = 'mlp' | 'h14' | 'h14-2';

const relu = (outputs: number): HeadLayer => ({ outputs, relu: true, dropout: 0.2 });

export const HEADS: Record<HeadName, readonly HeadLayer[]> = {
  mlp: [
    { outputs: 1024, relu: false, dropout: 0.2 },
    { outputs: 128, relu: false, dropout: 0.2 },
    { outputs: 64, relu: false, dropout: 0.1 },
    { outputs: 16, relu: false, dropout: 0 },
    { outputs: 1, relu: false, dropout: 0 },
  ],
  h14: [relu(1024), relu(2048), relu(1024), relu(256), relu(128), { outputs: 16, relu: false, dropout: 0 }, { outputs: 1, relu: false, dropout: 0 }],
  'h14-2': [relu(1024), relu(2048), relu(4096), relu(2048), relu(1024), relu(256), relu(128), { outputs: 16, relu: false, dropout: 0 }, { outputs: 1, relu: false, dropout: 0 }],
};

/** Sequential indices of the Linear layers: a ReLU and a Dropout each take an index. */
export function sequentialIndices(layers: readonly HeadLayer[]): number[] {
  const out: number[] = [];
  let index = 0;
  for (const layer of layers) {
    out.push(index);
    index += 1 + (layer.relu ? 1 : 0) + (layer.dropout > 0 ? 1 : 0);
  }
  return out;
}

export function checkHead(layers: readonly HeadLayer[]): void {
  if (layers.length === 0 || layers[layers.length - 1]!.outputs !== 1) throw new InvalidInputError('A predictor head ends in one output (the score).');
  // The reader tells a ReLU by a gap of 3 (ReLU + Dropout) between layer indices: a ReLU without
  // a dropout, or one on the score layer (which has no next index), would load as another network.
  for (const [i, l] of layers.entries()) {
    if (l.relu && (!(l.dropout > 0) || i === layers.length - 1)) throw new InvalidInputError(`Layer ${i}: a ReLU must be followed by a dropout, and the score layer takes none.`);
  }
}
