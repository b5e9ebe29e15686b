// The committed catalog of built-in models (src/managers/catalog/builtin.json) agrees with the
// setup step's specs, passes the catalog schema, and carries the weights' licence.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SPECS, BUILTIN_URL_DIR, catalogEntry, licenseFileText } from '../../scripts/ncnn/builtin-catalog.ts';
import { validateCatalog } from '../../src/managers/catalog/validate.ts';

type Entry = ReturnType<typeof catalogEntry>;
const catalog = JSON.parse(readFileSync(new URL('../../src/managers/catalog/builtin.json', import.meta.url), 'utf8')) as Record<string, Entry>;

describe('builtin.json', () => {
  it('has exactly one entry per built-in spec, as the setup step writes it', () => {
    expect(Object.keys(catalog)).toEqual(BUILTIN_SPECS.map((s) => s.name));
    for (const spec of BUILTIN_SPECS) {
      const download = catalog[spec.name]!.config.download[0]!;
      // Only size and sha256 come from the conversion; everything else must match the code.
      expect(catalog[spec.name]).toEqual(catalogEntry(spec, { size: download.size!, sha256: download.sha256! }));
      expect(download.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(download.file_url).toBe(`${BUILTIN_URL_DIR}/${spec.name}.onnx`);
    }
  });

  it('passes the catalog schema, with file URLs relative to the app', () => {
    const { entries, errors } = validateCatalog(catalog, 'builtin.json');
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(entries.map((e) => e.type)).toEqual(BUILTIN_SPECS.map(() => 'esrgan'));
    for (const entry of entries) expect(entry.config.download[0]!.file_url).not.toMatch(/^[a-z]+:/);
  });

  it('carries the BSD-3-Clause licence of the Real-ESRGAN weights', () => {
    for (const entry of Object.values(catalog)) {
      expect(entry.license.spdx).toBe('BSD-3-Clause');
      expect(entry.license.text).toContain('Copyright (c) 2021, Xintao Wang');
      expect(entry.license.text).toContain('Redistributions in binary form must reproduce the above copyright notice');
      expect(entry.license.file).toBe(`${BUILTIN_URL_DIR}/LICENSE-weights.txt`);
    }
  });

  it('writes a licence file with every licence in full, the package licence verbatim', () => {
    const text = licenseFileText('MIT License\n\nCopyright (c) 2024 Moebytes\n');
    expect(text).toContain('BSD 3-Clause License');
    expect(text).toContain('The MIT License (MIT)\n\nCopyright (c) 2021 Xintao Wang');
    expect(text).toContain('MIT License\n\nCopyright (c) 2024 Moebytes');
    for (const spec of BUILTIN_SPECS) expect(text).toContain(`${spec.name}.onnx`);
  });
});
