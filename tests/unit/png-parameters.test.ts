// A1111's `parameters` text, read and written, against strings written by hand (and lines as
// A1111 1.5 and 1.10 wrote them).
import { describe, expect, it } from 'vitest';
import { formatParameters, parseParameters, samplerFromA1111, samplerToA1111, type GenerationParameters } from '../../src/shared/png/index.ts';

const base = (fields: Partial<GenerationParameters>): GenerationParameters => ({ prompt: '', negativePrompt: '', extra: [], ...fields });

describe('A1111 parameters', () => {
  it('reads the plain form', () => {
    const text = 'a red fox in snow\nNegative prompt: blurry, lowres\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 512x768, Model: v1-5-pruned';
    expect(parseParameters(text)).toEqual(
      base({ prompt: 'a red fox in snow', negativePrompt: 'blurry, lowres', steps: 20, sampler: 'k_euler_a', cfgScale: 7, seed: 1234, width: 512, height: 768, model: 'v1-5-pruned' }),
    );
  });

  it('writes the plain form, in A1111 order', () => {
    const params = base({ prompt: 'a red fox in snow', negativePrompt: 'blurry, lowres', steps: 20, sampler: 'k_euler_a', cfgScale: 7, seed: 1234, width: 512, height: 512, model: 'v1-5' });
    expect(formatParameters(params)).toBe('a red fox in snow\nNegative prompt: blurry, lowres\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 512x512, Model: v1-5');
  });

  it('reads quoted values with commas and colons, and keeps unknown keys in order', () => {
    const text =
      'portrait\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7.0, Seed: 42, Size: 640x960, Model hash: 31e35c80fc, Model: sdxl, ' +
      'Lora hashes: "detail: 0a1b2c, style: 3d4e5f", TI hashes: "neg, x: 1", Version: v1.5.1';
    expect(parseParameters(text)).toEqual(
      base({
        prompt: 'portrait',
        steps: 30,
        sampler: 'k_dpmpp_2m_karras',
        cfgScale: 7,
        seed: 42,
        width: 640,
        height: 960,
        modelHash: '31e35c80fc',
        model: 'sdxl',
        extra: [
          ['Lora hashes', 'detail: 0a1b2c, style: 3d4e5f'],
          ['TI hashes', 'neg, x: 1'],
          ['Version', 'v1.5.1'],
        ],
      }),
    );
  });

  it('quotes values holding a comma, colon or newline when writing, with JSON escapes', () => {
    const params = base({ prompt: 'p', steps: 1, seed: 'my seed, spicy', extra: [['Note', 'a "b"\nc: d']] });
    expect(formatParameters(params)).toBe('p\nSteps: 1, Seed: "my seed, spicy", Note: "a \\"b\\"\\nc: d"');
    expect(parseParameters(formatParameters(params))).toEqual(params);
  });

  it('reads A1111 1.9+ "Schedule type" into the sampler, and hires settings into extra', () => {
    const text =
      'castle on a hill\nNegative prompt: people\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 3928467, Size: 832x1216, ' +
      'Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Denoising strength: 0.3, Clip skip: 2, Hires upscale: 1.5, Hires upscaler: Latent, Version: v1.10.1';
    const parsed = parseParameters(text);
    expect(parsed).toMatchObject({ sampler: 'k_dpmpp_2m_karras', denoisingStrength: 0.3, clipSkip: 2, seed: 3928467, width: 832, height: 1216 });
    expect(parsed.extra).toEqual([
      ['Hires upscale', '1.5'],
      ['Hires upscaler', 'Latent'],
      ['Version', 'v1.10.1'],
    ]);
  });

  it('has no negative prompt when the text has none, and keeps multi-line prompts', () => {
    const text = 'line one\nline two\nNegative prompt: bad\nworse\nSteps: 5, Seed: 1, Size: 64x64';
    expect(parseParameters(text)).toEqual(base({ prompt: 'line one\nline two', negativePrompt: 'bad\nworse', steps: 5, seed: 1, width: 64, height: 64 }));
    expect(parseParameters('just a prompt\nSteps: 5, Seed: 1, Size: 64x64')).toEqual(base({ prompt: 'just a prompt', steps: 5, seed: 1, width: 64, height: 64 }));
    expect(formatParameters(base({ prompt: 'just a prompt', steps: 5 }))).toBe('just a prompt\nSteps: 5');
  });

  it('treats a last line with fewer than three settings as prompt, as A1111 does', () => {
    expect(parseParameters('a cat\nstyle: oil, mood: calm')).toEqual(base({ prompt: 'a cat\nstyle: oil, mood: calm' }));
    expect(parseParameters('')).toEqual(base({}));
  });

  it('keeps what it cannot place: an unknown sampler, text seeds, a bad number, another schedule', () => {
    const parsed = parseParameters('x\nSteps: many, Sampler: DPM++ 2M SDE, Schedule type: Exponential, CFG scale: 5, Seed: banana, Size: big');
    expect(parsed).toEqual(
      base({
        prompt: 'x',
        cfgScale: 5,
        seed: 'banana',
        extra: [
          ['Steps', 'many'],
          ['Sampler', 'DPM++ 2M SDE'],
          ['Schedule type', 'Exponential'],
          ['Size', 'big'],
        ],
      }),
    );
    expect(formatParameters(parsed)).toBe('x\nCFG scale: 5, Seed: banana, Steps: many, Sampler: DPM++ 2M SDE, Schedule type: Exponential, Size: big');
  });

  it('round-trips every field', () => {
    const params = base({
      prompt: 'a (cat:1.2), BREAK\nsecond line',
      negativePrompt: 'dog',
      steps: 25,
      sampler: 'k_heun_karras',
      cfgScale: 6.5,
      seed: 4294967295,
      width: 768,
      height: 512,
      model: 'stable_diffusion_2.1',
      modelHash: 'abc',
      denoisingStrength: 0.75,
      clipSkip: 2,
      extra: [['Lora hashes', 'a: 1, b: 2']],
    });
    expect(parseParameters(formatParameters(params))).toEqual(params);
  });
});

describe('sampler names', () => {
  const table: [string, string][] = [
    ['k_euler', 'Euler'],
    ['k_euler_a', 'Euler a'],
    ['k_heun', 'Heun'],
    ['k_dpm_2', 'DPM2'],
    ['k_dpm_2_a', 'DPM2 a'],
    ['k_lms', 'LMS'],
    ['k_dpmpp_2s_a', 'DPM++ 2S a'],
    ['k_dpmpp_2m', 'DPM++ 2M'],
    ['k_dpmpp_sde', 'DPM++ SDE'],
    ['k_dpm_fast', 'DPM fast'],
    ['k_dpm_adaptive', 'DPM adaptive'],
    ['DDIM', 'DDIM'],
    ['PLMS', 'PLMS'],
    ['dpmsolver', 'DPM-Solver'],
    ['k_dpmpp_2m_karras', 'DPM++ 2M Karras'],
    ['k_dpm_2_a_karras', 'DPM2 a Karras'],
    ['k_lms_karras', 'LMS Karras'],
    ['k_euler_karras', 'Euler Karras'],
  ];
  it.each(table)('%s ↔ %s', (nataili, a1111) => {
    expect(samplerToA1111(nataili)).toBe(a1111);
    expect(samplerFromA1111(a1111)).toBe(nataili);
  });

  it('accepts nataili names, A1111 aliases and any case; refuses what nataili lacks', () => {
    expect(samplerFromA1111('k_euler_a')).toBe('k_euler_a');
    expect(samplerFromA1111('k_euler_ancestral')).toBe('k_euler_a');
    expect(samplerFromA1111('euler A')).toBe('k_euler_a');
    expect(samplerFromA1111('DPM++ 2M', 'Karras')).toBe('k_dpmpp_2m_karras');
    expect(samplerFromA1111('DPM++ 2M', 'Automatic')).toBe('k_dpmpp_2m');
    expect(samplerFromA1111('UniPC')).toBeNull();
    expect(samplerFromA1111('DDIM Karras')).toBeNull();
    expect(samplerToA1111('DDIM_karras')).toBeNull();
    expect(samplerToA1111('k_unknown')).toBeNull();
  });
});
