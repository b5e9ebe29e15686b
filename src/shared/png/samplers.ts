// nataili's sampler names and the names A1111 writes in its `parameters` text. nataili marks the
// Karras noise schedule with a "_karras" suffix (compvis.py), A1111 with a " Karras" suffix or,
// since 1.9, a separate "Schedule type: Karras" field.

/** nataili name → A1111 name. `dpmsolver` has no A1111 twin (it is DPM-Solver++ 2M on uniform time steps). */
const A1111_NAMES: Readonly<Record<string, string>> = {
  k_euler: 'Euler',
  k_euler_a: 'Euler a',
  k_heun: 'Heun',
  k_dpm_2: 'DPM2',
  k_dpm_2_a: 'DPM2 a',
  k_lms: 'LMS',
  k_dpmpp_2s_a: 'DPM++ 2S a',
  k_dpmpp_2m: 'DPM++ 2M',
  k_dpmpp_sde: 'DPM++ SDE',
  k_dpm_fast: 'DPM fast',
  k_dpm_adaptive: 'DPM adaptive',
  DDIM: 'DDIM',
  PLMS: 'PLMS',
  dpmsolver: 'DPM-Solver',
};

// A1111's own aliases of the same samplers (sd_samplers_kdiffusion.py), accepted when reading.
const ALIASES: Readonly<Record<string, string>> = { k_euler_ancestral: 'k_euler_a', k_dpm_2_ancestral: 'k_dpm_2_a', k_dpmpp_2s_ancestral: 'k_dpmpp_2s_a' };

const byLowerA1111 = new Map(Object.entries(A1111_NAMES).map(([nataili, a1111]) => [a1111.toLowerCase(), nataili]));
const byLowerNataili = new Map(Object.keys(A1111_NAMES).map((nataili) => [nataili.toLowerCase(), nataili]));

/** Only the k-diffusion samplers take a Karras schedule in nataili. */
const takesKarras = (nataili: string): boolean => nataili.startsWith('k_') && nataili !== 'k_dpm_fast' && nataili !== 'k_dpm_adaptive';

/** "k_dpmpp_2m_karras" → "DPM++ 2M Karras"; null for a name nataili does not have. */
export function samplerToA1111(nataili: string): string | null {
  const karras = nataili.endsWith('_karras');
  const base = karras ? nataili.slice(0, -'_karras'.length) : nataili;
  const name = A1111_NAMES[base];
  if (!name || (karras && !takesKarras(base))) return null;
  return karras ? `${name} Karras` : name;
}

/**
 * "DPM++ 2M Karras" → "k_dpmpp_2m_karras"; a nataili name (or A1111's k_ alias) is accepted as
 * well. `scheduleType` is A1111 1.9's separate field: "Karras" adds the suffix. Null when the
 * sampler is one nataili does not have (A1111 has many more).
 */
export function samplerFromA1111(name: string, scheduleType?: string): string | null {
  let text = name.trim();
  let karras = scheduleType?.trim().toLowerCase() === 'karras';
  if (/ karras$/i.test(text)) {
    karras = true;
    text = text.slice(0, -' karras'.length);
  }
  if (/_karras$/i.test(text)) {
    karras = true;
    text = text.slice(0, -'_karras'.length);
  }
  const lower = text.toLowerCase();
  const base = byLowerA1111.get(lower) ?? byLowerNataili.get(lower) ?? ALIASES[lower] ?? null;
  if (!base || (karras && !takesKarras(base))) return null;
  return karras ? `${base}_karras` : base;
}
