import { routeFromHash, type Route } from '../routes.ts';

/** The current page, following the URL hash (#/models) so pages can be linked and reloaded. */
export class Router {
  current: Route = $state(routeFromHash(location.hash));

  constructor() {
    addEventListener('hashchange', () => {
      this.current = routeFromHash(location.hash);
    });
  }
}
