// Turns a request's init image and mask into what sampling starts from, by mode: img2img (the
// encoded image), inpainting with an ordinary model (encoded image + latent mask for nataili's
// masked blending), inpainting with a 9-channel model (runwayml's c_concat: the mask at latent
// size and the masked image's latents), depth2img (encoded image + depth channel).

import { InvalidInputError } from '../../../shared/errors.ts';
import { hasTransparency, type RgbaImage } from '../../../shared/image/types.ts';
import { depthCondition } from './depth.ts';
import { imageToSigned, LATENT_CHANNELS, maskPlane, planeToLatent, planeToLatentNearest, repeatPlane, VAE_FACTOR } from './latents.ts';
import type { GenerateRequest, GenerateResult, SdModels } from './types.ts';
import { encodeImages } from './vae.ts';

export type Mode = GenerateResult['mode'];

export interface Prepared {
  mode: Mode;
  /** One image's encoded init latents (scaled); absent for txt2img. */
  x0?: Float32Array;
  /** One image's latent mask, 4 channels, 1 = repaint (ordinary models only). */
  mask?: Float32Array;
  /** One image's extra UNet channels after the latents. */
  extra?: { data: Float32Array; channels: number };
  /** Start from pure noise even with an init image (9-channel inpainting at full strength). */
  fromNoise: boolean;
  strength: number;
}

export function modeOf(models: SdModels, request: GenerateRequest): Mode {
  const channels = models.unetInfo.inChannels;
  const init = request.initImage;
  if (channels === 7 || models.unetInfo.classLabels) throw new InvalidInputError('This is an upscaler UNet: use the upscaler (x4) instead of generate.');
  if (channels === 5) {
    if (!init) throw new InvalidInputError('A depth model (depth2img) needs an init image to take the depth from.');
    return 'depth2img';
  }
  // No mask image: the init image's transparent part is the mask (nataili's mask_mode "alpha").
  const masked = init && (request.maskImage || request.maskMode === 'alpha' || hasTransparency(init));
  if (channels === 9) {
    if (!init || !masked) throw new InvalidInputError('This inpainting model needs an init image and a mask (or an image whose transparent part is to be painted).');
    return 'inpainting';
  }
  if (channels !== 4) throw new InvalidInputError(`This UNet takes ${channels} input channels; the pipeline knows 4, 5, 7 and 9.`);
  return init ? (masked ? 'inpainting' : 'img2img') : 'txt2img';
}

export async function prepareStart(models: SdModels, request: GenerateRequest, width: number, height: number, signal?: AbortSignal): Promise<Prepared> {
  const mode = modeOf(models, request);
  const init = request.initImage;
  const nineChannel = models.unetInfo.inChannels === 9;
  // nataili's default strength is 0.8; an inpainting model repaints its mask from noise.
  const strength = request.denoisingStrength ?? (nineChannel ? 1 : 0.8);
  if (mode === 'txt2img' || !init) return { mode, fromNoise: true, strength: 1 };
  const pixels = imageToSigned(init, width, height);
  const x0 = await encodeImages(models, pixels, 1, height, width, signal);
  const h = height / VAE_FACTOR;
  const w = width / VAE_FACTOR;
  if (mode === 'img2img') return { mode, x0, fromNoise: false, strength };
  if (mode === 'depth2img') {
    if (!models.depth) throw new InvalidInputError('depth2img needs a depth model (MiDaS DPT-Hybrid); download it on the Models page.');
    const depth = await depthCondition(models.depth, init, width, height, request.depthSize);
    return { mode, x0, extra: { data: depth, channels: 1 }, fromNoise: false, strength };
  }
  // Without a mask image the transparent part of the init image is repainted ("alpha").
  const maskMode = request.maskImage ? (request.maskMode ?? 'mask') : 'alpha';
  const plane = maskPlane(init, request.maskImage, maskMode, width, height)!;
  if (!nineChannel) return { mode, x0, mask: repeatPlane(planeToLatent(plane, width, height), 1, LATENT_CHANNELS), fromNoise: false, strength };
  // runwayml inpainting: mask binarised at 0.5, the masked image is the init image with the
  // repainted area set to 0 (grey), the mask channel is the binary mask at latent size.
  const binary = plane.map((v) => (v >= 0.5 ? 1 : 0));
  const masked = pixels.map((v, i) => (binary[i % binary.length]! ? 0 : v));
  const maskedLatents = await encodeImages(models, masked, 1, height, width, signal);
  const extra = new Float32Array((1 + LATENT_CHANNELS) * h * w);
  extra.set(planeToLatentNearest(binary, width, height), 0);
  extra.set(maskedLatents, h * w);
  return { mode, x0, extra: { data: extra, channels: 1 + LATENT_CHANNELS }, fromNoise: strength >= 1, strength };
}
