/**
 * How often an open tab asks the server for a new sw.js. The browser checks by itself only when the
 * page navigates or starts a worker, and people keep this app open all day, so without a timer a
 * deploy could go unseen until the next reload.
 */
export const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** What the checks use of a ServiceWorkerRegistration (a stand-in in unit tests). */
export type Updatable = Pick<ServiceWorkerRegistration, 'update' | 'installing'>;
/** What they use of the document. */
export type Visibility = Pick<Document, 'visibilityState' | 'addEventListener'>;

/**
 * Checks for a new version every UPDATE_CHECK_MS and whenever the tab becomes visible again (the
 * moment a person comes back to it). A new sw.js then installs in the background and the app's
 * onNeedRefresh shows the prompt. Lives as long as the page, so nothing is ever removed.
 */
export function watchForUpdates(registration: Updatable, page: Visibility = document, online = () => navigator.onLine): void {
  const check = () => {
    // Offline, or while a new version is already installing, a check can only fail or repeat.
    if (!online() || registration.installing) return;
    // A failed check (server down, flaky network) is retried at the next occasion; nothing to tell.
    registration.update().catch(() => undefined);
  };
  setInterval(check, UPDATE_CHECK_MS);
  page.addEventListener('visibilitychange', () => {
    if (page.visibilityState === 'visible') check();
  });
}
