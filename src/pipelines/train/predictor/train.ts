// Training the aesthetic predictor's head on CLIP embeddings. Port of nataili
// clip/predictor/train.py (TrainPredictor): batches of 256, MSE, 5% held out for validation,
// 100 epochs, and the weights of the epoch with the best validation accuracy kept, accuracy being
// nataili's rule: within ±0.5 of the rating, or at least as extreme as a rating ≥ 6 or ≤ 2.
// AdamW at lr 1e-3 (the choice; nataili defaults to Adam). nataili slices its validation
// set from the training rows after cutting them off, so it validates on training data; here the
// first 5% are held out for real.

import { InvalidInputError } from '../../../shared/errors.ts';
import type { HostArray, TrainBackend } from '../graph/backend.ts';
import { deriveSeed, dropoutMask, mulberry32, shuffle, stepRandom } from '../graph/random.ts';
import { checkHead, type HeadLayer } from './architecture.ts';

export interface PredictorTrainConfig {
  layers: readonly HeadLayer[];
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  epochs: number;
  validation: number;
  seed: number;
}

export const NATAILI_PREDICTOR: Omit<PredictorTrainConfig, 'layers'> = { batchSize: 256, learningRate: 1e-3, weightDecay: 1e-2, epochs: 100, validation: 0.05, seed: 42 };

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  best: boolean;
}

export interface TrainedHead {
  inputs: number;
  layers: readonly HeadLayer[];
  /** [out, in] per layer, then the biases, at the best epoch. */
  weights: HostArray[];
  biases: HostArray[];
  bestEpoch: number;
  bestAccuracy: number;
  history: EpochReport[];
}

/** nataili's val_accuracy rule for one prediction. */
export function accurate(predicted: number, rating: number, tolerance = 0.5, low = 2, high = 6): boolean {
  return Math.abs(predicted - rating) <= tolerance || (rating >= high && predicted >= rating) || (rating <= low && predicted <= rating);
}

/** nn.Linear's default initialisation: weight and bias uniform in ±1/√fan_in. */
function initLayer(random: () => number, inputs: number, outputs: number): [Float32Array, Float32Array] {
  const bound = 1 / Math.sqrt(inputs);
  const draw = (n: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * bound);
  return [draw(outputs * inputs), draw(outputs)];
}

export async function trainPredictor<T>(
  backend: TrainBackend<T>,
  x: readonly Float32Array[],
  y: readonly number[],
  config: PredictorTrainConfig,
  control: { signal?: AbortSignal; stopRequested?: () => boolean; onEpoch?: (r: EpochReport) => void } = {},
): Promise<TrainedHead> {
  checkHead(config.layers);
  if (x.length !== y.length || x.length < 2) throw new InvalidInputError(`Training needs at least 2 rated embeddings (got ${x.length} embeddings, ${y.length} ratings).`);
  const inputs = x[0]!.length;
  const border = Math.max(1, Math.floor(x.length * config.validation));
  const valRows = [...Array(border).keys()];
  const trainRows = [...Array(x.length - border).keys()].map((i) => i + border);
  const init = mulberry32(deriveSeed(config.seed, 'init'));
  let fanIn = inputs;
  const params = config.layers.map((l) => {
    const [w, b] = initLayer(init, fanIn, l.outputs);
    const tensors = { w: backend.parameter(w, [l.outputs, fanIn], { trainable: true }), b: backend.parameter(b, [l.outputs], { trainable: true }) };
    fanIn = l.outputs;
    return tensors;
  });
  const flat = params.flatMap((p) => [p.w, p.b]);
  const optimizer = backend.adamw([flat], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: config.weightDecay });
  const rows = (ids: readonly number[]) => {
    const data = new Float32Array(ids.length * inputs);
    ids.forEach((r, i) => data.set(x[r]!, i * inputs));
    return data;
  };
  const forward = (scope: ReturnType<typeof backend.beginStep>, ids: readonly number[], random?: () => number) => {
    const { ops } = scope;
    let h = ops.constant(rows(ids), [ids.length, inputs]);
    config.layers.forEach((l, i) => {
      h = ops.linear(h, params[i]!.w, params[i]!.b);
      if (l.relu) h = ops.relu(h);
      if (random && l.dropout > 0) h = ops.mul(h, ops.constant(dropoutMask(random, ids.length * l.outputs, l.dropout), [ids.length, l.outputs]));
    });
    return h;
  };
  const history: EpochReport[] = [];
  let best: { epoch: number; accuracy: number; weights: HostArray[] } | null = null;
  let step = 0;
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      control.signal?.throwIfAborted();
      if (control.stopRequested?.()) break;
      const order = shuffle([...trainRows], mulberry32(deriveSeed(config.seed, 'epoch', epoch)));
      let trainLoss = 0;
      for (let first = 0; first < order.length; first += config.batchSize, step++) {
        const ids = order.slice(first, first + config.batchSize);
        const scope = backend.beginStep();
        try {
          const loss = scope.ops.mse(forward(scope, ids, stepRandom(config.seed, step, 'dropout')), scope.ops.constant(ids.map((r) => y[r]!), [ids.length, 1]));
          scope.backward(loss);
          optimizer.step([config.learningRate]);
          // nataili reports the last batch's loss as the epoch's.
          trainLoss = (await scope.read(loss))[0]!;
        } finally {
          scope.end();
        }
      }
      const scope = backend.beginStep();
      const predicted = await scope.read(forward(scope, valRows));
      scope.end();
      const valLoss = valRows.reduce((s, r, i) => s + (predicted[i]! - y[r]!) ** 2, 0) / valRows.length;
      const valAccuracy = valRows.filter((r, i) => accurate(predicted[i]!, y[r]!)).length / valRows.length;
      const improved = valAccuracy > (best?.accuracy ?? 0);
      if (improved) best = { epoch, accuracy: valAccuracy, weights: await Promise.all(flat.map((t) => backend.read(t))) };
      const report = { epoch, trainLoss, valLoss, valAccuracy, best: improved };
      history.push(report);
      control.onEpoch?.(report);
    }
    // nataili keeps the best-accuracy epoch; if none beat 0%, the last weights are all there is.
    const kept = best ?? { epoch: history.length - 1, accuracy: 0, weights: await Promise.all(flat.map((t) => backend.read(t))) };
    return {
      inputs,
      layers: config.layers,
      weights: kept.weights.filter((_, i) => i % 2 === 0),
      biases: kept.weights.filter((_, i) => i % 2 === 1),
      bestEpoch: kept.epoch,
      bestAccuracy: kept.accuracy,
      history,
    };
  } finally {
    optimizer.dispose();
    for (const t of flat) backend.release(t);
  }
}
