import { registerSW } from 'virtual:pwa-register';

/**
 * How often an open tab asks the server for a new sw.js. The browser checks by itself only on a
 * navigation, and people keep this app open all day, so without a timer a deploy would go unseen
 * until the next reload.
 */
export const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** The service worker's state: offline-ready once the shell is cached, and a waiting new version. */
export class AppUpdates {
  offlineReady = $state(false);
  needRefresh = $state(false);
  private update: ((reload?: boolean) => Promise<void>) | undefined;

  register(): void {
    if (!('serviceWorker' in navigator)) return;
    this.update = registerSW({
      immediate: true,
      onOfflineReady: () => {
        this.offlineReady = true;
      },
      onNeedRefresh: () => {
        this.needRefresh = true;
      },
      onRegisteredSW: (_url, registration) => {
        if (registration) watchForUpdates(registration);
      },
    });
  }

  async apply(): Promise<void> {
    this.needRefresh = false;
    await this.update?.(true);
  }
}

/**
 * Checks for a new version every UPDATE_CHECK_MS and whenever the tab becomes visible again (the
 * moment a person comes back to it). A new sw.js then installs in the background and onNeedRefresh
 * shows the prompt. Lives as long as the page, so nothing is ever removed.
 */
function watchForUpdates(registration: ServiceWorkerRegistration): void {
  const check = () => {
    // Offline, or while a new version is already installing, a check can only fail or repeat.
    if (!navigator.onLine || registration.installing) return;
    // A failed check (server down, flaky network) is retried at the next occasion; nothing to tell.
    registration.update().catch(() => undefined);
  };
  setInterval(check, UPDATE_CHECK_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
}
