import { registerSW } from 'virtual:pwa-register';
import { watchForUpdates } from './update-checks.ts';

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
