import { workers } from '../../workers/client.ts';
import type { BackendOverride, PlatformReport } from '../../workers/api.ts';

/** The backend the models will run on, probed from inside a worker (where they run). */
export class PlatformState {
  report: PlatformReport | null = $state(null);
  error: string | null = $state(null);
  probing = $state(false);

  /** Applies the backend setting to every model worker, then reports what it leads to. */
  async probe(override: BackendOverride): Promise<void> {
    this.probing = true;
    try {
      await workers.configure({ backend: override });
      this.report = await workers.run('system', (system) => system.probe(override));
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.probing = false;
    }
  }
}
