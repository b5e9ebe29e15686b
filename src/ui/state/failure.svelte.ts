// A page's last failure: its message (which says what to do), its code, and the ways on that
// ErrorAlert shows as buttons. Each page state owns one and hands it the job to run again.
import { NatailiError, isCancelled, type ErrorCode } from '../../shared/errors.ts';
import type { BackendOverride } from '../../workers/api.ts';
import { recoveryActions, type RecoveryAction, type RecoveryContext } from './recovery.ts';

/** A button of the alert: a label and what it does. */
export interface Way {
  action: RecoveryAction;
  run: () => Promise<void>;
}

/**
 * The Settings' backend override, reached from here because the page states are made apart from
 * (and before) Settings; the app fills it in. Until then no CPU way is offered.
 */
export const backendSetting: { current: () => BackendOverride | null; useWasm: () => Promise<void> } = {
  current: () => null,
  useWasm: async () => {},
};

export class Failure {
  message: string | null = $state(null);
  code: ErrorCode | null = $state(null);
  ways: Way[] = $state.raw([]);

  /**
   * Shows an error with its ways on. `retry` runs the failed job again as it was; `adjust` makes it
   * smaller first (a smaller tile or image) when the action says so. A cancellation is no failure.
   */
  show(error: unknown, context: Omit<RecoveryContext, 'canRetry' | 'backend'>, retry?: () => Promise<void>, adjust?: (action: RecoveryAction) => void): void {
    if (isCancelled(error)) return;
    const code = error instanceof NatailiError ? error.code : 'internal';
    const actions = recoveryActions(code, { ...context, canRetry: retry !== undefined, backend: backendSetting.current() });
    this.message = error instanceof Error ? error.message : String(error);
    this.code = code;
    this.ways = retry
      ? actions.map((action) => ({
          action,
          run: async () => {
            if (action.id === 'wasm') await backendSetting.useWasm();
            else if (action.id !== 'retry') adjust?.(action);
            await retry();
          },
        }))
      : [];
  }

  /** A message of the page's own (a file it cannot read), with nothing to run again. */
  say(message: string | null): void {
    this.message = message;
    this.code = message === null ? null : 'invalid-input';
    this.ways = [];
  }

  clear(): void {
    this.say(null);
  }

  /** Runs a way on: the alert goes, and the job's own outcome shows what happened next. */
  async take(way: Way): Promise<void> {
    this.clear();
    await way.run();
  }
}
