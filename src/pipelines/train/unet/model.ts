// A UNet ready to train: layout, frozen base weights, adapters.

import type { TrainBackend } from '../graph/backend.ts';
import type { LoraConfig } from '../lora/lora.ts';
import { loadWeights, type LoadedWeights } from '../weights/load.ts';
import type { WeightSource } from '../weights/sources.ts';
import type { UnetWeights } from './forward.ts';
import type { UnetLayout } from './layout.ts';
import { unetParams } from './params.ts';

export type UnetModel<T> = UnetWeights<T> & LoadedWeights<T>;

export function loadUnet<T>(backend: TrainBackend<T>, layout: UnetLayout, source: WeightSource, lora: LoraConfig | null, seed: number): UnetModel<T> {
  return { ...loadWeights(backend, unetParams(layout), source, { component: 'unet', lora, seed }), layout };
}
