// The CLIP+MLP aesthetic predictor's head. Port of nataili clip/predictor/mlp.py: MLP
// (in → 1024 → 128 → 64 → 16 → 1 with dropouts and no activation, the improved-aesthetic-predictor
// layout, in = 768 for ViT-L/14 and 1024 for ViT-H-14), H14_MLP and H14_MLP_2 (wider, with a ReLU
// before each dropout). Dropout is the identity at inference, so a forward pass is linear layers
// and the ReLUs. The layers are read from the state dict's nn.Sequential keys ("layers.<i>.weight");
// the gaps between their indices say what sits in between: 3 is ReLU + Dropout, 2 a Dropout alone
// (MLP), 1 nothing (the last two layers of each).
import { InvalidInputError } from '../../shared/errors.ts';
import { readSafetensors, toFloat32, type SafeTensor } from './safetensors.ts';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** Row-major [outputs, inputs], as torch's nn.Linear stores it. */
  weight: Float32Array;
  bias: Float32Array;
  /** A ReLU follows this layer. */
  relu: boolean;
}

/** nataili's three heads by name; 'custom' for any other chain of layers. */
export type PredictorArchitecture = 'mlp' | 'h14' | 'h14-2' | 'custom';

const KNOWN: readonly { name: PredictorArchitecture; hidden: readonly number[]; relu: number }[] = [
  { name: 'mlp', hidden: [1024, 128, 64, 16, 1], relu: 0 },
  { name: 'h14', hidden: [1024, 2048, 1024, 256, 128, 16, 1], relu: 5 },
  { name: 'h14-2', hidden: [1024, 2048, 4096, 2048, 1024, 256, 128, 16, 1], relu: 7 },
];

const LAYER_KEY = /^(?:(.*)\.)?layers\.(\d+)\.(weight|bias)$/;

export interface MlpOptions {
  /**
   * Overrides where ReLUs go (one flag per linear layer). By default they follow nataili's
   * Sequential layouts, read from the gaps between layer indices.
   */
  relu?: readonly boolean[];
}

export class AestheticMlp {
  readonly inputSize: number;
  readonly architecture: PredictorArchitecture;

  constructor(readonly layers: readonly DenseLayer[]) {
    if (layers.length === 0) throw new InvalidInputError('An aesthetic predictor needs at least one layer.');
    layers.forEach((layer, i) => {
      if (layer.weight.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
        throw new InvalidInputError(`Layer ${i} has ${layer.weight.length} weights and ${layer.bias.length} biases for ${layer.inputs} → ${layer.outputs}.`);
      }
      const next = layers[i + 1];
      if (next && next.inputs !== layer.outputs) throw new InvalidInputError(`Layer ${i} gives ${layer.outputs} values but layer ${i + 1} takes ${next.inputs}.`);
    });
    if (layers[layers.length - 1]!.outputs !== 1) throw new InvalidInputError(`The last layer gives ${layers[layers.length - 1]!.outputs} values; a score is one.`);
    this.inputSize = layers[0]!.inputs;
    this.architecture = architectureOf(layers);
  }

  /** Reads nataili's state dict from a .safetensors file. */
  static fromSafetensors(file: Uint8Array, options: MlpOptions = {}): AestheticMlp {
    return AestheticMlp.fromTensors(readSafetensors(file).tensors, options);
  }

  static fromTensors(tensors: ReadonlyMap<string, SafeTensor>, options: MlpOptions = {}): AestheticMlp {
    const found = new Map<number, { weight?: SafeTensor; bias?: SafeTensor }>();
    for (const [name, tensor] of tensors) {
      const match = LAYER_KEY.exec(name);
      if (!match) continue;
      const index = Number(match[2]);
      const slot = found.get(index) ?? {};
      slot[match[3] as 'weight' | 'bias'] = tensor;
      found.set(index, slot);
    }
    const indices = [...found.keys()].sort((a, b) => a - b);
    if (indices.length === 0) {
      const names = [...tensors.keys()].slice(0, 5).join(', ');
      throw new InvalidInputError(`No "layers.<n>.weight" tensors in this file (it has ${names || 'none'}): it is not an aesthetic predictor.`);
    }
    if (options.relu && options.relu.length !== indices.length) {
      throw new InvalidInputError(`${options.relu.length} ReLU flags for ${indices.length} layers.`);
    }
    const layers = indices.map((index, i): DenseLayer => {
      const { weight, bias } = found.get(index)!;
      if (!weight || !bias) throw new InvalidInputError(`layers.${index} lacks its ${weight ? 'bias' : 'weight'}.`);
      if (weight.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0]) {
        throw new InvalidInputError(`layers.${index} has weight [${weight.shape.join(', ')}] and bias [${bias.shape.join(', ')}]; a linear layer has [out, in] and [out].`);
      }
      const gap = (indices[i + 1] ?? index) - index;
      return { outputs: weight.shape[0]!, inputs: weight.shape[1]!, weight: toFloat32(weight), bias: toFloat32(bias), relu: options.relu?.[i] ?? gap === 3 };
    });
    return new AestheticMlp(layers);
  }

  /** The score of one embedding (nataili feeds the L2-normalised CLIP image embedding). */
  predict(embedding: ArrayLike<number>): number {
    if (embedding.length !== this.inputSize) {
      throw new InvalidInputError(`This predictor takes ${this.inputSize}-value CLIP embeddings; got ${embedding.length}. Pair it with the CLIP model it was trained on.`);
    }
    let x: Float64Array = Float64Array.from(embedding);
    for (const layer of this.layers) {
      const y = new Float64Array(layer.outputs);
      for (let o = 0; o < layer.outputs; o++) {
        const row = o * layer.inputs;
        let sum = layer.bias[o]!;
        for (let i = 0; i < layer.inputs; i++) sum += layer.weight[row + i]! * x[i]!;
        y[o] = layer.relu && sum < 0 ? 0 : sum;
      }
      x = y;
    }
    return x[0]!;
  }
}

function architectureOf(layers: readonly DenseLayer[]): PredictorArchitecture {
  const hidden = layers.map((layer) => layer.outputs);
  const relus = layers.filter((layer) => layer.relu).length;
  const known = KNOWN.find((k) => k.hidden.length === hidden.length && k.hidden.every((h, i) => h === hidden[i]) && k.relu === relus);
  if (!known) return 'custom';
  // H14 variants take ViT-H-14's 1024 values only; MLP takes 768 or 1024.
  if (known.name !== 'mlp' && layers[0]!.inputs !== 1024) return 'custom';
  return known.name;
}
