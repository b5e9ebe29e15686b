// Post-process set up for a job of many tiles on the CPU backend: 64 px tiles over a 256² picture
// make 16, so a test that acts after the first few (cancel, kill the worker) never races the last.
import type { Page } from '@playwright/test';
import { encodePngBytes } from '../../src/shared/image/encode-png.ts';
import { noise } from '../unit/clip-fixtures.ts';

export const TILES = 16;

export async function openTiledUpscale(page: Page): Promise<void> {
  const picture = Buffer.from(await encodePngBytes(noise(256, 256, 3)));
  await page.goto('/#/settings');
  await page.getByRole('radio', { name: 'WASM (CPU)' }).check();
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Post-process' }).click();
  await page.getByText('Advanced').click();
  await page.getByLabel('Tile size').selectOption('64');
  await page.getByLabel('Image').setInputFiles({ name: 'noise-256.png', mimeType: 'image/png', buffer: picture });
}
