// txt2img, img2img, inpainting and depth2img in one entry point, as nataili's CompVis.generate:
// the prompt is encoded once, then n_iter runs of batch_size images, image i seeded seed + i,
// each run sampled, optionally given the hires-fix second pass, decoded, safety-checked.
// Port of nataili stable_diffusion/compvis.py generate (the non-ControlNet path).

import { InvalidInputError } from '../../../shared/errors.ts';
import { throwIfAborted } from '../../../shared/progress.ts';
import { batchSeeds, seedToInt } from '../random/seeds.ts';
import { encodePrompt, joinPrompt } from './conditioning.ts';
import { hiresPlan, hiresSecondPass, type HiresPlan } from './hires.ts';
import { checkSize, VAE_FACTOR } from './latents.ts';
import { prepareStart } from './prepare.ts';
import { DEFAULTS, sampleRun } from './run.ts';
import type { GeneratedImage, GenerateRequest, GenerateResult, PipelineOptions, SdModels } from './types.ts';
import { decodeLatents } from './vae.ts';

export async function generate(models: SdModels, request: GenerateRequest, options: PipelineOptions = {}): Promise<GenerateResult> {
  const width = request.width ?? DEFAULTS.width;
  const height = request.height ?? DEFAULTS.height;
  checkSize(width, height);
  const steps = request.steps ?? DEFAULTS.steps;
  const batchSize = request.batchSize ?? 1;
  const nIter = request.nIter ?? 1;
  for (const [name, value] of [['batch size', batchSize], ['n_iter', nIter], ['steps', steps]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new InvalidInputError(`The ${name} must be a whole number of at least 1; got ${value}.`);
  }
  const prepared = await prepareStart(models, request, width, height, options.signal);
  const cond = await encodePrompt(models, joinPrompt(request.prompt, request.negativePrompt), { clipSkip: request.clipSkip, signal: options.signal });
  const notes = [...cond.notes];
  const hires: HiresPlan | null = prepared.mode === 'txt2img' ? hiresPlan(request, models, width, height, notes) : null;
  const seeds = batchSeeds(seedToInt(request.seed), batchSize * nIter);
  const images: GeneratedImage[] = [];
  const runs = nIter * (hires ? 2 : 1);
  let runIndex = 0;
  const announce = () => options.onProgress?.({ kind: 'tile', index: runIndex++, count: runs });

  for (let n = 0; n < nIter; n++) {
    throwIfAborted(options.signal);
    const runSeeds = seeds.slice(n * batchSize, (n + 1) * batchSize);
    const first = hires ? { width: hires.width, height: hires.height } : { width, height };
    announce();
    const start = prepared.x0 && !prepared.fromNoise ? { x0: prepared.x0, mask: prepared.mask, strength: prepared.strength } : undefined;
    let latents = await sampleRun(models, cond, request, { seeds: runSeeds, ...first, steps, start, extra: prepared.extra }, options);
    let size = first;
    if (hires) {
      announce();
      latents = await hiresSecondPass(models, cond, request, hires, runSeeds, latents, options);
      size = { width, height };
    }
    const decoded = await decodeLatents(models, latents, runSeeds.length, size.height / VAE_FACTOR, size.width / VAE_FACTOR, {
      signal: options.signal,
      wrapPad: request.tiling ? Math.min(8, size.height / VAE_FACTOR, size.width / VAE_FACTOR) : 0,
    });
    const checked = options.safety ? await options.safety(decoded) : { images: decoded, censored: decoded.map(() => false) };
    checked.images.forEach((image, i) => {
      const censored = checked.censored[i] ?? false;
      // nataili replaces a flagged image with a black one; so do we, whatever the checker returned.
      images.push({ seed: runSeeds[i]!, image: censored ? { ...image, data: blackPixels(image.width, image.height) } : image, censored });
    });
  }
  options.onProgress?.({ kind: 'done' });
  return { images, sampler: request.sampler ?? DEFAULTS.sampler, mode: prepared.mode, notes };
}

function blackPixels(width: number, height: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return data;
}
