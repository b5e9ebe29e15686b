// Base weights onto a backend (frozen), and fresh adapters on the layers LoRA targets.

import type { TrainBackend } from '../graph/backend.ts';
import type { NamedWeights } from '../graph/blocks.ts';
import { createLora, type LoraComponent, type LoraConfig, type LoraLayer } from '../lora/lora.ts';
import { isLoraTarget } from '../lora/targets.ts';
import { linearModules, type ParamSpec } from '../unet/params.ts';
import type { WeightSource } from './sources.ts';

export interface LoadedWeights<T> extends NamedWeights<T> {
  params: Map<string, T>;
  loras: Map<string, LoraLayer<T>>;
  /** Frees every tensor (base weights and adapters). */
  release(): void;
}

export interface LoadOptions {
  component: LoraComponent;
  /** Adapters to create; none when null (inference, or a component that is not trained). */
  lora: LoraConfig | null;
  seed: number;
}

export function loadWeights<T>(backend: TrainBackend<T>, specs: readonly ParamSpec[], source: WeightSource, options: LoadOptions): LoadedWeights<T> {
  const params = new Map<string, T>();
  for (const spec of specs) params.set(spec.name, backend.parameter(source(spec), spec.shape, { label: spec.name }));
  const loras = new Map<string, LoraLayer<T>>();
  if (options.lora) {
    for (const m of linearModules(specs)) {
      if (!isLoraTarget(options.component, m.module)) continue;
      loras.set(m.module, createLora(backend, options.component, m.module, m.inFeatures, m.outFeatures, options.lora, options.seed));
    }
  }
  return {
    params,
    loras,
    release() {
      for (const t of params.values()) backend.release(t);
      for (const l of loras.values()) {
        backend.release(l.down);
        backend.release(l.up);
      }
    },
  };
}

/** The trainable tensors of some adapters, in a fixed order (down, up per module). */
export function loraParams<T>(loras: ReadonlyMap<string, LoraLayer<T>>): T[] {
  return [...loras.values()].flatMap((l) => [l.down, l.up]);
}
