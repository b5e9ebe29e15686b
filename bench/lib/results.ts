// Writes bench/results/<name>.json: the figures of one run with the machine they were measured
// on, so numbers from different machines are never compared blind.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string | null;
  onnxruntimeWeb: string;
  onnxruntimeNode: string | null;
  commit: string | null;
}

function packageVersion(name: string): string | null {
  try {
    const json = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return json.version;
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(chromium: string | null = null): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium,
    onnxruntimeWeb: packageVersion('onnxruntime-web') ?? 'missing',
    onnxruntimeNode: packageVersion('onnxruntime-node'),
    commit: gitCommit(),
  };
}

/** Writes the results and returns the file's path. */
export function writeResults(name: string, body: Record<string, unknown>): string {
  const path = join(repoRoot, 'bench', 'results', `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), ...body }, null, 2)}\n`);
  return path;
}

/** `--name value` and `--flag` from the command line after the benchmark's name. */
export function cliOptions(argv = process.argv.slice(2)): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) options.set(key, inline);
    else if (next !== undefined && !next.startsWith('--')) options.set(key, argv[++i]!);
    else options.set(key, 'true');
  }
  return options;
}

export function numberOption(options: Map<string, string>, key: string, fallback: number): number {
  const raw = options.get(key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${key} must be a positive number, got "${raw}".`);
  return value;
}
