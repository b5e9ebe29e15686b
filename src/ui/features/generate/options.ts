// What the Generate page offers. The UI may not import the pipelines, so nataili's sampler names
// are listed here; the worker rejects a name it does not know with a message saying which it does.

export const SAMPLERS = [
  'k_euler_a',
  'k_euler',
  'k_lms',
  'k_heun',
  'k_dpm_2',
  'k_dpm_2_a',
  'k_dpmpp_2m',
  'k_dpmpp_2s_a',
  'k_dpmpp_sde',
  'k_dpm_fast',
  'k_dpm_adaptive',
  'k_euler_a_karras',
  'k_dpmpp_2m_karras',
  'k_dpmpp_sde_karras',
  'DDIM',
  'PLMS',
  'dpmsolver',
] as const;

export const SIZES = [64, 128, 256, 384, 448, 512, 576, 640, 704, 768, 832, 896, 960, 1024] as const;

/** One image's settings as the page holds them; the job adds the init image and mask. */
export interface GenerateParams {
  model: string;
  prompt: string;
  negativePrompt: string;
  sampler: string;
  steps: number;
  cfgScale: number;
  /** null: a fresh random seed per job. */
  seed: number | null;
  width: number;
  height: number;
  batchSize: number;
  nIter: number;
  denoisingStrength: number;
  clipSkip: number;
  hiresFix: boolean;
  tiling: boolean;
}

// k_euler_a at 25 steps: a good picture in a browser's time budget (nataili's own default is k_lms, 50).
export const DEFAULT_PARAMS: GenerateParams = {
  model: '',
  prompt: '',
  negativePrompt: '',
  sampler: 'k_euler_a',
  steps: 25,
  cfgScale: 7.5,
  seed: null,
  width: 512,
  height: 512,
  batchSize: 1,
  nIter: 1,
  denoisingStrength: 0.75,
  clipSkip: 1,
  hiresFix: false,
  tiling: false,
};
