// `npm test`: every layer in order — type-check, unit (Node), browser (Chromium), end-to-end
// (Playwright against the production build) — then one summary line over all of them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: the tests need Node 20.19 or newer.`);
  process.exit(1);
}
try {
  console.log(`Chromium: ${findChromium()}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const resultsDir = 'test-results/summary';
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

/**
 * Runs a command with inherited output; returns its exit status.
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${label}: exit ${result.status ?? result.signal} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status ?? 1;
}

/** @param {string} path */
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const layers = [];
const started = Date.now();

if (run('prepare', 'node', ['scripts/prepare-assets.mjs']) !== 0) process.exit(1);

const typecheck = run('types', 'npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--threshold', 'warning']);
layers.push({ name: 'types', passed: typecheck === 0 ? 1 : 0, failed: typecheck === 0 ? 0 : 1, skipped: 0 });

for (const project of ['unit', 'browser']) {
  const file = `${resultsDir}/${project}.json`;
  const status = run(project, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  const report = readJson(file);
  layers.push(
    report
      ? { name: project, passed: report.numPassedTests, failed: report.numFailedTests + (status !== 0 && report.numFailedTests === 0 ? 1 : 0), skipped: report.numPendingTests + report.numTodoTests }
      : { name: project, passed: 0, failed: 1, skipped: 0 },
  );
}

if (run('build', 'npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) {
  layers.push({ name: 'e2e', passed: 0, failed: 1, skipped: 0 });
} else {
  const file = `${resultsDir}/e2e.json`;
  const status = run('e2e', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  const stats = readJson(file)?.stats;
  layers.push(
    stats
      ? { name: 'e2e', passed: stats.expected + stats.flaky, failed: stats.unexpected + (status !== 0 && stats.unexpected === 0 ? 1 : 0), skipped: stats.skipped }
      : { name: 'e2e', passed: 0, failed: 1, skipped: 0 },
  );
}

console.log('\n layer    passed  failed  skipped');
for (const layer of layers) {
  console.log(` ${layer.name.padEnd(8)} ${String(layer.passed).padStart(6)}  ${String(layer.failed).padStart(6)}  ${String(layer.skipped).padStart(7)}`);
}
const total = layers.reduce((sum, l) => ({ passed: sum.passed + l.passed, failed: sum.failed + l.failed, skipped: sum.skipped + l.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`\nSuite time ${((Date.now() - started) / 60000).toFixed(1)} min`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
