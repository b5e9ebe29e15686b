// Real-ESRGAN upscaling through the post-process worker: tiled vs untiled on one image, and megapixels/s by size.
// The built-in realesr-animevideov3-x4 model (installed from the app's files, as users get it),
// run by the app's worker in Chromium. (a) The same image with the backend's default tiles and
// untiled, runs interleaved: tiled_vs_untiled_ratio = tiled ÷ untiled time (the price of bounded
// memory: tile context is computed twice). (b) Input and output megapixels per second at each size.
// Options: --backend wasm|webgpu (default wasm) --model NAME --sizes 256,1024,2048 --compare 256
//          --runs 3 (runs for sizes up to 256²; larger sizes run once after no warm-up)
import { openBenchPage } from './lib/browser.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { interleave, ratio, summarize, type Summary } from './lib/stats.ts';
import { printTable, type Cell } from './lib/table.ts';
import type { UpscalePage, UpscaleRun } from './upscale.page.ts';

const options = cliOptions();
const backend = options.get('backend') === 'webgpu' ? 'webgpu' : 'wasm';
const model = options.get('model') ?? 'realesr-animevideov3-x4';
const sizes = (options.get('sizes') ?? '256,1024,2048').split(',').map(Number);
const compare = numberOption(options, 'compare', 256);
const runs = numberOption(options, 'runs', 3);

type PageApi = { bench: UpscalePage };
const browser = await openBenchPage('bench/upscale.page.ts');
/** One upscale in the page (timed by the worker); `tile` null is the backend's default, 0 untiled. */
const run = (side: number, tile: number | null): Promise<UpscaleRun> =>
  browser.page.evaluate(([m, s, t]) => (globalThis as unknown as PageApi).bench.upscale(m, s, t), [model, side, tile] as [string, number, number | null]);

try {
  const first = await browser.page.evaluate(([m, b]) => (globalThis as unknown as PageApi).bench.prepare(m, b as 'wasm' | 'webgpu'), [model, backend] as const);
  console.log(`${model} on ${first.reason}`);

  // (a) Tiled (the backend's default) vs untiled, same image, interleaved.
  const lastTiled: UpscaleRun[] = [];
  const samples = await interleave(
    {
      tiled: async () => {
        const r = await run(compare, null);
        lastTiled.push(r);
        return r.runMs;
      },
      untiled: async () => (await run(compare, 0)).runMs,
    },
    { warmup: 1, runs },
  );
  const tiled = summarize(samples.tiled);
  const untiled = summarize(samples.untiled);
  const tiledInfo = lastTiled.at(-1)!;
  const tiledVsUntiled = ratio(tiled.median, untiled.median);

  // (b) Megapixels per second by size.
  const bySize: { side: number; ms: Summary; tiles: number; tile: [number, number] | null; inMps: number; outMps: number }[] = [];
  for (const side of sizes) {
    const small = side <= 256;
    const ms: number[] = [];
    let info: UpscaleRun | undefined;
    if (small) await run(side, null);
    for (let i = 0; i < (small ? runs : 1); i++) {
      info = await run(side, null);
      ms.push(info.runMs);
    }
    const s = summarize(ms);
    const mp = (side * side) / 1e6;
    bySize.push({ side, ms: s, tiles: info!.tiles, tile: info!.largestTile, inMps: Math.round((mp / (s.median / 1000)) * 10000) / 10000, outMps: Math.round(((mp * 16) / (s.median / 1000)) * 1000) / 1000 });
    console.log(`  ${side}² done: ${(s.median / 1000).toFixed(1)} s`);
  }

  const tileText = (t: [number, number] | null) => (t ? `${t[1]}×${t[0]}` : '–');
  printTable(`(a) ${compare}² image, ${backend}: tiled (default tile) vs untiled, median of ${runs}`, ['run', 'median ms', 'min ms', 'max ms', 'tiles', 'ratio'], [
    ['tiled', tiled.median, tiled.min, tiled.max, `${tiledInfo.tiles} of ${tileText(tiledInfo.largestTile)}`, tiledVsUntiled],
    ['untiled', untiled.median, untiled.min, untiled.max, '1', 1],
  ]);
  printTable(`(b) ${model}, ${backend}, default tiles`, ['input', 'median ms', 'runs', 'tiles', 'input MP/s', 'output MP/s'], bySize.map((r): Cell[] => [`${r.side}²`, r.ms.median, r.ms.runs, `${r.tiles} of ${tileText(r.tile)}`, r.inMps, r.outMps]));
  console.log(`tiled_vs_untiled_ratio ${tiledVsUntiled}`);

  const path = writeResults('upscale', {
    machine: machineInfo(browser.chromiumVersion),
    model,
    backend: { asked: backend, used: first.backend, reason: first.reason },
    compare: { side: compare, tiled_ms: tiled, untiled_ms: untiled, tiles: tiledInfo.tiles, largest_tile: tiledInfo.largestTile },
    tiled_vs_untiled_ratio: tiledVsUntiled,
    megapixels_per_second: Object.fromEntries(bySize.map((r) => [`${r.side}x${r.side}`, { input: r.inMps, output: r.outMps, ms: r.ms, tiles: r.tiles, largest_tile: r.tile }])),
  });
  console.log(`wrote ${path}`);
} finally {
  await browser.page.evaluate(() => (globalThis as unknown as PageApi).bench.dispose()).catch(() => undefined);
  await browser.close();
}
process.exit(0);
