import type { BackendOverride } from '../../workers/api.ts';

const storageKey = 'nataili-web:settings';

interface StoredSettings {
  backend: BackendOverride;
}

const defaults: StoredSettings = { backend: 'auto' };

function readStored(): StoredSettings {
  try {
    const parsed = JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Partial<StoredSettings>;
    const backend = parsed.backend === 'webgpu' || parsed.backend === 'wasm' ? parsed.backend : 'auto';
    return { ...defaults, backend };
  } catch {
    return defaults;
  }
}

/** User settings, persisted in localStorage (small, synchronous, needed before the first job). */
export class Settings {
  backend: BackendOverride = $state(readStored().backend);

  save(): void {
    const value: StoredSettings = { backend: this.backend };
    localStorage.setItem(storageKey, JSON.stringify(value));
  }
}
