// The open app's update checks: hourly and on coming back to the tab, never while offline or while
// a new version is already installing, and a failed check is not fatal. (tests/e2e/update.e2e.ts
// shows a check finding a real deploy; here the timing, which an e2e cannot pin down.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UPDATE_CHECK_MS, watchForUpdates, type Updatable } from '../../src/ui/state/update-checks.ts';

class FakePage extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  show(state: DocumentVisibilityState): void {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function registration(update: () => Promise<void> = () => Promise.resolve()) {
  const stub = { installing: null as ServiceWorker | null, update: vi.fn(update) };
  return stub as typeof stub & Updatable;
}

describe('update checks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('checks once an hour, not before', () => {
    const reg = registration();
    watchForUpdates(reg, new FakePage() as unknown as Document, () => true);
    vi.advanceTimersByTime(UPDATE_CHECK_MS - 1);
    expect(reg.update).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(reg.update).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2 * UPDATE_CHECK_MS);
    expect(reg.update).toHaveBeenCalledTimes(3);
  });

  it('checks when the tab is shown again, not when it is hidden', () => {
    const reg = registration();
    const page = new FakePage();
    watchForUpdates(reg, page as unknown as Document, () => true);
    page.show('hidden');
    expect(reg.update).not.toHaveBeenCalled();
    page.show('visible');
    expect(reg.update).toHaveBeenCalledTimes(1);
  });

  it('skips a check while offline or while a new version installs', () => {
    const reg = registration();
    const page = new FakePage();
    let online = false;
    watchForUpdates(reg, page as unknown as Document, () => online);
    page.show('visible');
    vi.advanceTimersByTime(UPDATE_CHECK_MS);
    expect(reg.update).not.toHaveBeenCalled();
    online = true;
    reg.installing = {} as ServiceWorker;
    page.show('visible');
    expect(reg.update).not.toHaveBeenCalled();
    reg.installing = null;
    page.show('visible');
    expect(reg.update).toHaveBeenCalledTimes(1);
  });

  it('a failed check is swallowed and the next one still runs', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      // A plain function, not vi.fn: a spy handles the promises it returns, hiding what is tested.
      let calls = 0;
      const reg = { installing: null, update: () => (calls++, Promise.reject(new TypeError('Failed to fetch'))) } as unknown as Updatable;
      const page = new FakePage();
      watchForUpdates(reg, page as unknown as Document, () => true);
      page.show('visible');
      await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS);
      expect(calls).toBe(2);
      // Node reports an unhandled rejection after the microtasks of the current turn.
      vi.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
