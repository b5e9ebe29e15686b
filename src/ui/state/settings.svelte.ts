// The user's settings: kept in localStorage (small, synchronous, there before the first job) and
// pushed to every worker through workers.configure; the idle time goes to the WorkerHost itself.
import type { BackendOverride, Precision, WorkerSettings } from '../../workers/api.ts';
import { workers } from '../../workers/client.ts';
import type { PlatformState } from './platform.svelte.ts';

const storageKey = 'nataili-web:settings';

export type PrecisionSetting = 'auto' | Extract<Precision, 'fp32' | 'fp16'>;
export type ThreadsSetting = 'auto' | number;

export interface StoredSettings {
  backend: BackendOverride;
  precision: PrecisionSetting;
  wasmThreads: ThreadsSetting;
  /** Minutes a worker may sit idle before it is released with its models' memory. */
  idleMinutes: number;
  safetyChecker: boolean;
}

export const defaultSettings: Readonly<StoredSettings> = { backend: 'auto', precision: 'auto', wasmThreads: 'auto', idleMinutes: 5, safetyChecker: true };

export const IDLE_MINUTES = { min: 1, max: 120 } as const;
export const MAX_THREADS = 64;

/** What localStorage holds, each field checked: a damaged or older entry falls back field by field. */
export function parseStored(text: string | null): StoredSettings {
  let raw: Partial<Record<keyof StoredSettings, unknown>> = {};
  try {
    const parsed: unknown = JSON.parse(text ?? '{}');
    if (typeof parsed === 'object' && parsed !== null) raw = parsed;
  } catch {
    // Keep the defaults.
  }
  const threads = raw.wasmThreads;
  const idle = raw.idleMinutes;
  return {
    backend: raw.backend === 'webgpu' || raw.backend === 'wasm' ? raw.backend : 'auto',
    precision: raw.precision === 'fp32' || raw.precision === 'fp16' ? raw.precision : 'auto',
    wasmThreads: typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS ? threads : 'auto',
    idleMinutes: typeof idle === 'number' && idle >= IDLE_MINUTES.min && idle <= IDLE_MINUTES.max ? idle : defaultSettings.idleMinutes,
    safetyChecker: typeof raw.safetyChecker === 'boolean' ? raw.safetyChecker : defaultSettings.safetyChecker,
  };
}

function readStored(): StoredSettings {
  try {
    return parseStored(localStorage.getItem(storageKey));
  } catch {
    // localStorage itself can throw (storage disabled); the defaults still work.
    return { ...defaultSettings };
  }
}

export class Settings {
  private readonly initial = readStored();
  backend: BackendOverride = $state(this.initial.backend);
  precision: PrecisionSetting = $state(this.initial.precision);
  wasmThreads: ThreadsSetting = $state(this.initial.wasmThreads);
  idleMinutes: number = $state(this.initial.idleMinutes);
  safetyChecker: boolean = $state(this.initial.safetyChecker);

  /** What every worker applies to the sessions it opens. */
  get worker(): WorkerSettings {
    return { backend: this.backend, precision: this.precision, wasmThreads: this.wasmThreads, safetyChecker: this.safetyChecker };
  }

  save(): void {
    const value: StoredSettings = {
      backend: this.backend,
      precision: this.precision,
      wasmThreads: this.wasmThreads,
      idleMinutes: this.idleMinutes,
      safetyChecker: this.safetyChecker,
    };
    try {
      localStorage.setItem(storageKey, JSON.stringify(value));
    } catch {
      // A full or disabled localStorage: the settings still hold for this visit.
    }
  }

  /** Saves, sets the workers' idle time, and pushes the rest to the workers (the platform line re-probes). */
  async apply(platform: PlatformState): Promise<void> {
    this.idleMinutes = Math.min(IDLE_MINUTES.max, Math.max(IDLE_MINUTES.min, Number(this.idleMinutes) || defaultSettings.idleMinutes));
    this.save();
    workers.idleMs = this.idleMinutes * 60_000;
    await platform.probe(this.worker);
  }
}
