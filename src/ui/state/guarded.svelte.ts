// What the Train page's two states (LoRA and predictor) share: one user action at a time, with
// busy, a notice and a failure that can run the action again; and a poll of the train worker's
// status while a run goes on in it (the worker trains on its own, the page only watches).
import { Failure } from './failure.svelte.ts';
import type { RecoveryPage } from './recovery.ts';

export const POLL_MS = 700;

export class Guarded {
  busy = $state(false);
  message: string | null = $state(null);
  readonly failure = new Failure();

  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly page: RecoveryPage) {}

  get error(): string | null {
    return this.failure.message;
  }
  set error(message: string | null) {
    this.failure.say(message);
  }

  dismissError(): void {
    this.failure.clear();
  }

  /** Runs an action; a failure is shown with "Try again" running the same action. */
  protected async guard(task: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.failure.clear();
    this.message = null;
    try {
      await task();
    } catch (error) {
      this.failure.show(error, { page: this.page }, () => this.guard(task));
    } finally {
      this.busy = false;
    }
  }

  /**
   * Calls `tick` every POLL_MS until stopPolling, one poll at a time. A failed poll stops polling
   * (a crashed worker would fail every poll) and offers `resume`, which reads the status afresh.
   */
  protected poll(tick: () => Promise<void>, resume: () => Promise<void>): void {
    if (this.timer) return;
    let waiting = false;
    this.timer = setInterval(() => {
      if (waiting) return;
      waiting = true;
      tick()
        .catch((error: unknown) => {
          this.stopPolling();
          this.failure.show(error, { page: this.page }, resume);
        })
        .finally(() => (waiting = false));
    }, POLL_MS);
  }

  protected stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
