// Serves the production build (dist/) on 127.0.0.1 with the COOP/COEP headers from vite.config.ts.
// PORT overrides the default 4173.
import { existsSync } from 'node:fs';
import { preview } from 'vite';

if (!existsSync('dist/index.html')) {
  console.error('No production build in dist/. Run `npm start` (or `npm run build` first).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 4173);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a number between 1 and 65535, got "${process.env.PORT}".`);
  process.exit(1);
}
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true } });
server.printUrls();
