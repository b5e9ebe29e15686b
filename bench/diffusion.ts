// Stable Diffusion on the fixture models: one UNet step (bare ORT session) and a whole 4-step txt2img job (generate worker), wasm vs webgpu.
// Runs are interleaved round by round so a busy moment hits every variant alike. The SD 1.5
// 512² / 20-step figure needs its real weights and a GPU: `--sd15 <folder>` is reserved for that
// run and the JSON says when it was not made. Options: --size 64 --steps 4 --runs 5 --warmup 1
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR, writeTinyModels } from '../scripts/tiny-models/index.ts';
import { openBenchPage } from './lib/browser.ts';
import { cliOptions, machineInfo, numberOption, writeResults } from './lib/results.ts';
import { interleave, ratio, summarize, type Runner } from './lib/stats.ts';
import { printTable, type Cell } from './lib/table.ts';
import type { Backend, DiffusionPage } from './diffusion.page.ts';

const options = cliOptions();
const size = numberOption(options, 'size', 64);
const steps = numberOption(options, 'steps', 4);
const timing = { warmup: numberOption(options, 'warmup', 1), runs: numberOption(options, 'runs', 5) };

writeTinyModels();
const files = new Map(['sd-text-encoder', 'sd-unet', 'sd-vae-decoder'].map((name) => [`/fixtures/${name}.onnx`, new Uint8Array(readFileSync(join(DEFAULT_FIXTURE_DIR, `${name}.onnx`)))]));
const browser = await openBenchPage('bench/diffusion.page.ts', { files });
try {
  const page = browser.page;
  await page.evaluate((s) => (globalThis as unknown as { bench: DiffusionPage }).bench.prepare(s), size);
  const step = (backend: Backend): Runner => () => page.evaluate((b) => (globalThis as unknown as { bench: DiffusionPage }).bench.unetStep(b), backend);
  const loads: Record<Backend, number[]> = { wasm: [], webgpu: [] };
  const job =
    (backend: Backend): Runner =>
    async () => {
      const result = await page.evaluate(([b, n]) => (globalThis as unknown as { bench: DiffusionPage }).bench.txt2img(b as Backend, n as number), [backend, steps] as const);
      if (result.backend !== backend) throw new Error(`asked for ${backend}, the worker ran ${result.backend}`);
      loads[backend].push(result.load);
      return result.ms;
    };
  const stepSamples = await interleave({ wasm: step('wasm'), webgpu: step('webgpu') }, { warmup: timing.warmup + 1, runs: timing.runs * 4 });
  const jobSamples = await interleave({ wasm: job('wasm'), webgpu: job('webgpu') }, timing);
  const s = {
    unet_step: { wasm: summarize(stepSamples.wasm), webgpu: summarize(stepSamples.webgpu) },
    txt2img: { wasm: summarize(jobSamples.wasm), webgpu: summarize(jobSamples.webgpu) },
  };
  const row = (label: string, x: ReturnType<typeof summarize>, against: ReturnType<typeof summarize>): Cell[] => [label, x.median, x.min, x.max, ratio(x.median, against.median)];
  printTable(`fixture SD models, ${size}×${size} (latent ${size / 8}², CFG batch 2), median of runs; ratio = webgpu / wasm`, ['run', 'median ms', 'min ms', 'max ms', 'ratio'], [
    row('UNet step, wasm (bare ORT, page)', s.unet_step.wasm, s.unet_step.wasm),
    row('UNet step, webgpu (bare ORT, page)', s.unet_step.webgpu, s.unet_step.wasm),
    row(`txt2img ${steps} steps, wasm (worker)`, s.txt2img.wasm, s.txt2img.wasm),
    row(`txt2img ${steps} steps, webgpu (worker)`, s.txt2img.webgpu, s.txt2img.wasm),
  ]);
  const path = writeResults('diffusion', {
    machine: machineInfo(browser.chromiumVersion),
    fixture: { size, latent: size / 8, steps, sampler: 'k_euler', models: ['sd-text-encoder', 'sd-unet', 'sd-vae-decoder'] },
    ms: s,
    worker_load_ms: { wasm: summarize(loads.wasm.slice(timing.warmup)), webgpu: summarize(loads.webgpu.slice(timing.warmup)) },
    webgpu_vs_wasm: { unet_step: ratio(s.unet_step.webgpu.median, s.unet_step.wasm.median), txt2img: ratio(s.txt2img.webgpu.median, s.txt2img.wasm.median) },
    sd15_512_20_steps: null,
    sd15_note: 'Not measured: this machine has no GPU (WebGPU is SwiftShader) and no SD 1.5 weights offline. Run on a GPU machine with the weights downloaded through the app.',
  });
  console.log(`wrote ${path}`);
} finally {
  await browser.close();
}
process.exit(0);
