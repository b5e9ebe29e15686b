// Timing for benchmarks: warm-up runs, then timed runs, summarised by the median (robust to the
// odd GC pause or scheduler hiccup that a mean would smear across the result).

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length };
}

export interface TimeOptions {
  warmup?: number;
  runs?: number;
}

/** Milliseconds per call of `fn`: `warmup` untimed calls, then `runs` timed ones. */
export async function timeRuns(fn: () => Promise<unknown> | unknown, options: TimeOptions = {}): Promise<number[]> {
  const { warmup = 2, runs = 10 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** `a / b` rounded to 3 decimals: how many times slower a is than b. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 1000) / 1000;
}

/** A runner does one run and returns its own duration in ms (timed where it runs: page or Node). */
export type Runner = () => Promise<number>;

/**
 * Runs every runner once per round, rotating their order, so a busy moment on a shared machine
 * lands on all of them alike and the ratios between them stay fair. Returns samples per runner.
 */
export async function interleave<K extends string>(runners: Record<K, Runner>, options: TimeOptions = {}): Promise<Record<K, number[]>> {
  const { warmup = 2, runs = 10 } = options;
  const names = Object.keys(runners) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + runs; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      const ms = await runners[name]();
      if (round >= warmup) samples[name].push(ms);
    }
  }
  return samples;
}
