// nataili's seed rules (nataili/util/seed_to_int.py, compvis.py, create_random_tensors.py):
// no seed → random in [0, 2³²); a digit string → that number; any other string → a number derived
// from it with Python's random.Random(string); image i of a batch uses seed + i; each image's
// starting noise is torch.randn after torch.manual_seed(its seed).

import { InvalidInputError } from '../../../shared/errors.ts';
import { PythonRandom } from './python-random.ts';
import { TorchGenerator, type NormalFillPath } from './torch-generator.ts';

export type SeedInput = number | string | null | undefined;

const TWO_POW_32 = 2n ** 32n;

/** A fresh random seed in [0, 2³²) (Python's random.randint(0, 2**32 − 1) in nataili). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * Port of nataili seed_to_int. Integers pass through unchanged (as in nataili, even negative or
 * large ones; the generator keeps their low 32 bits). Strings of ASCII digits are parsed; any other
 * string becomes abs(random.Random(s).randint(0, 2³² − 1)). Numbers of 2³² and above coming from
 * strings are shifted right by 32 bits until they fit. (Python's str.isdigit also accepts other
 * Unicode digits; those strings are hashed here instead — a documented divergence.)
 */
export function seedToInt(seed: SeedInput, random: () => number = randomSeed): number {
  if (seed === null || seed === undefined || seed === '') return random();
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) throw new InvalidInputError(`A seed must be a whole number or text, got ${seed}.`);
    return seed;
  }
  let n = /^[0-9]+$/.test(seed) ? BigInt(seed) : new PythonRandom(seed).randint(0n, TWO_POW_32 - 1n);
  while (n >= TWO_POW_32) n >>= 32n;
  return Number(n);
}

/** compvis.py: all_seeds = [seed + i for i in range(batch)]. */
export function batchSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => seed + i);
}

export interface InitialNoise {
  /** Each image's unit normal latent, one after the other. */
  noise: Float32Array;
  /**
   * The CPU generator where nataili's code would leave it (seeded with the last image's seed, after
   * its draw), for the ancestral / SDE / DDIM-eta noise that follows, as on a CPU run.
   */
  generator: TorchGenerator;
}

/**
 * Port of nataili create_random_tensors on a CPU generator: per image, torch.manual_seed(seed) then
 * torch.randn(shape) with `elementsPerImage` elements (4·H/8·W/8 for Stable Diffusion).
 */
export function initialNoise(seeds: readonly number[], elementsPerImage: number, path: NormalFillPath = 'avx2'): InitialNoise {
  if (seeds.length === 0) throw new InvalidInputError('At least one seed is needed.');
  const noise = new Float32Array(seeds.length * elementsPerImage);
  const generator = new TorchGenerator(seeds[0]!, path);
  seeds.forEach((seed, i) => {
    generator.manualSeed(seed);
    noise.set(generator.randn(elementsPerImage), i * elementsPerImage);
  });
  return { noise, generator };
}
