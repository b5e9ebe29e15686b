// Node-side handles on bench/runtime.page.ts: prepares a model in the page and returns Runners
// that each do one run there (timed inside the page, so Playwright's round trip is not counted).

import type { Page } from 'playwright-core';
import type { PrepareArgs, RuntimePage } from '../runtime.page.ts';
import type { Runner } from './stats.ts';

type PageApi = { bench: RuntimePage };

export interface PageRunners {
  bare: Runner;
  pipeline: Runner;
  bareThreads: number;
  pipelineThreads: number;
  reason: string;
}

export async function pageRunners(page: Page, args: PrepareArgs): Promise<PageRunners> {
  const info = await page.evaluate((a) => (globalThis as unknown as PageApi).bench.prepare(a), args);
  const key = args.key;
  return {
    ...info,
    bare: () => page.evaluate((k) => (globalThis as unknown as PageApi).bench.bare(k), key),
    pipeline: () => page.evaluate((k) => (globalThis as unknown as PageApi).bench.pipeline(k), key),
  };
}
