// `npm run bench` lists the benchmarks; `npm run bench -- <name> [options]` runs bench/<name>.ts
// (through tsx), which prints a table and writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');

/** Benchmarks are bench/*.ts; page entries (*.page.ts) and workers (*.worker.ts) are their parts. */
function benchmarks() {
  return readdirSync(benchDir)
    .filter((name) => name.endsWith('.ts') && !/\.(page|worker)\.ts$/.test(name))
    .map((name) => {
      const first = readFileSync(join(benchDir, name), 'utf8').split('\n')[0] ?? '';
      return { name: name.slice(0, -3), about: first.replace(/^\/\/\s*/, '') };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--list' || name === '--help') {
  console.log('Benchmarks (npm run bench -- <name> [options]; results in bench/results/<name>.json):\n');
  const all = benchmarks();
  const width = Math.max(...all.map((b) => b.name.length));
  for (const b of all) console.log(`  ${b.name.padEnd(width)}  ${b.about}`);
  process.exit(0);
}
const file = join(benchDir, `${name}.ts`);
if (!existsSync(file) || /\.(page|worker)$/.test(name)) {
  console.error(`No benchmark "${name}". Run \`npm run bench\` to list them.`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
