// The tiny Stable Diffusion fixtures as files a user would hand the generate worker, and small
// pictures, for the generate browser tests and the diffusion benchmark page.
import { buildUpscalerUnet, buildUpscalerVaeDecoder } from '../unit/sd-pipeline-upscaler-fixture.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import type { SdFile } from '../../src/workers/api.ts';

export async function fixture(name: string): Promise<Uint8Array> {
  const response = await fetch(`/tests/fixtures/models/${name}.onnx`);
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const file = async (name: string, fixtureName = name): Promise<SdFile> => ({ name: `${name}.onnx`, data: await fixture(fixtureName) });

/** text encoder, VAE and the given UNet; depth and safety checker ride along. */
export async function sdFiles(unet: 'sd-unet' | 'sd-unet-inpaint' | 'sd-unet-depth' = 'sd-unet'): Promise<SdFile[]> {
  return Promise.all([file('text_encoder', 'sd-text-encoder'), file('unet', unet), file('vae_decoder', 'sd-vae-decoder'), file('vae_encoder', 'sd-vae-encoder'), file('depth', 'depth-dpt'), file('safety', 'safety-checker')]);
}

export async function upscalerFiles(): Promise<SdFile[]> {
  return [await file('text_encoder', 'sd-text-encoder'), { name: 'unet.onnx', data: buildUpscalerUnet() }, { name: 'vae_decoder.onnx', data: buildUpscalerVaeDecoder() }];
}

/** A gradient with a disc; `hole` makes the disc transparent (the area to inpaint). */
export function picture(width: number, height: number, hole = false): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width / 4) ** 2;
      data.set([(255 * x) / width, inside ? 220 : 40, (255 * y) / height, hole && inside ? 0 : 255], i);
    }
  }
  return { width, height, data };
}
