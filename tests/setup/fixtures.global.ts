// Vitest globalSetup: builds the tiny fixture models into tests/fixtures/models/ before any test
// file runs, so Node tests can read them and browser tests can fetch
// /tests/fixtures/models/<name>.onnx from the Vitest server. Building all of them takes a few
// hundred milliseconds; files whose bytes are already current are left untouched (no rewrite, no
// watcher churn), and writes are atomic, so parallel Vitest runs cannot see half a file.

import { DEFAULT_FIXTURE_DIR, writeTinyModels } from '../../scripts/tiny-models/index.ts';

export default function setup(): void {
  const started = performance.now();
  const written = writeTinyModels(DEFAULT_FIXTURE_DIR).filter((f) => f.written);
  if (written.length > 0) {
    const ms = (performance.now() - started).toFixed(0);
    console.log(`tiny fixtures: wrote ${written.map((f) => f.name).join(', ')} to ${DEFAULT_FIXTURE_DIR}/ in ${ms} ms`);
  }
}
