import { workers } from '../../workers/client.ts';
import type { PlatformReport, WorkerSettings } from '../../workers/api.ts';

/** The backend the models will run on, probed from inside a worker (where they run). */
export class PlatformState {
  report: PlatformReport | null = $state(null);
  error: string | null = $state(null);
  probing = $state(false);

  /** Applies the settings to every model worker, then reports what the backend setting leads to. */
  async probe(settings: WorkerSettings): Promise<void> {
    this.probing = true;
    try {
      await workers.configure(settings);
      this.report = await workers.run('system', (system) => system.probe(settings.backend));
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.probing = false;
    }
  }
}
