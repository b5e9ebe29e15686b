// The fixture registry: every tiny model by name, and a CLI that writes them all.
//   npx tsx scripts/tiny-models/index.ts [outDir]      (default tests/fixtures/models)
// Tests fetch them as tests/fixtures/models/<name>.onnx (built by tests/setup/fixtures.global.ts).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBlipTextDecoder, buildBlipVision } from './blip.ts';
import { buildClipText, buildClipVision } from './clip.ts';
import { buildCocaTextDecoder, buildCocaVision } from './coca.ts';
import { buildDepth } from './depth.ts';
import { buildEsrganX2, buildEsrganX4 } from './esrgan.ts';
import { buildCodeFormer, buildGfpgan } from './face-restore.ts';
import { buildRetinaFace } from './retinaface.ts';
import { buildSafetyChecker } from './safety-checker.ts';
import { buildSdTextEncoder } from './sd-text-encoder.ts';
import { buildSdUnet } from './sd-unet.ts';
import { buildSdVaeDecoder, buildSdVaeEncoder } from './sd-vae.ts';

export interface TinyModel {
  /** ONNX bytes; the same seed always gives the same bytes. */
  build: (seed?: number) => Uint8Array;
  /** What it mirrors and its inputs → outputs. */
  description: string;
}

export const tinyModels = {
  'clip-vision': {
    build: (seed?: number) => buildClipVision({ seed }),
    description: 'CLIP ViT vision tower: pixel_values [b,3,224,224] → image_embeds [b,16], last_hidden_state [b,50,32]',
  },
  'clip-text': {
    build: (seed?: number) => buildClipText({ seed }),
    description: 'CLIP text tower: input_ids int64 [b,77] → text_embeds [b,16], last_hidden_state [b,77,16]',
  },
  'blip-vision': {
    build: (seed?: number) => buildBlipVision({ seed }),
    description: 'BLIP vision encoder: pixel_values [b,3,384,384] → last_hidden_state [b,577,16], pooler_output [b,16]',
  },
  'blip-text-decoder': {
    build: (seed?: number) => buildBlipTextDecoder({ seed }),
    description: 'BLIP captioning decoder: input_ids, attention_mask int64 [b,s], encoder_hidden_states [b,577,16] → logits [b,s,30524]',
  },
  'coca-vision': {
    build: (seed?: number) => buildCocaVision({ seed }),
    description: 'OpenCLIP CoCa vision + attentional pooler: pixel_values [b,3,224,224] → image_embeds [b,16], image_tokens [b,7,16]',
  },
  'coca-text-decoder': {
    build: (seed?: number) => buildCocaTextDecoder({ seed }),
    description: 'OpenCLIP CoCa text tower + multimodal decoder: input_ids int64 [b,s], image_tokens [b,t,16] → logits [b,s,49408]',
  },
  'esrgan-x2': {
    build: (seed?: number) => buildEsrganX2({ seed }),
    description: 'Real-ESRGAN compact ×2: input [b,3,h,w] → output [b,3,2h,2w] (DepthToSpace)',
  },
  'esrgan-x4': {
    build: (seed?: number) => buildEsrganX4({ seed }),
    description: 'Real-ESRGAN RRDB ×4: input [b,3,h,w] → output [b,3,4h,4w] (nearest Resize)',
  },
  gfpgan: {
    build: (seed?: number) => buildGfpgan({ seed }),
    description: 'GFPGAN face restorer: input [1,3,512,512] → output [1,3,512,512]',
  },
  codeformer: {
    build: (seed?: number) => buildCodeFormer({ seed }),
    description: 'CodeFormer face restorer: x [1,3,512,512], w float64 [1] → y [1,3,512,512]',
  },
  retinaface: {
    build: (seed?: number) => buildRetinaFace({ seed }),
    description: 'RetinaFace detector: input [b,3,h,w] → loc [b,P,4], conf [b,P,2], landms [b,P,10]',
  },
  'safety-checker': {
    build: (seed?: number) => buildSafetyChecker({ seed }),
    description: 'SD safety checker: clip_input [b,3,224,224], images [b,h,w,3] → out_images [b,h,w,3], has_nsfw_concepts bool [b]',
  },
  'sd-text-encoder': {
    build: (seed?: number) => buildSdTextEncoder({ seed }),
    description: 'SD text encoder: input_ids int32 [b,77] → last_hidden_state [b,77,16], pooler_output [b,16]',
  },
  'sd-unet': {
    build: (seed?: number) => buildSdUnet({ seed }),
    description: 'SD UNet: sample [b,4,h,w], timestep float32 [1|b], encoder_hidden_states [b,77,16] → out_sample [b,4,h,w]',
  },
  'sd-unet-int64-timestep': {
    build: (seed?: number) => buildSdUnet({ seed, timestepType: 'int64' }),
    description: 'SD UNet as Optimum exports it: timestep int64 [1|b]; otherwise as sd-unet',
  },
  'sd-unet-inpaint': {
    build: (seed?: number) => buildSdUnet({ seed, inChannels: 9 }),
    description: 'SD inpainting UNet: sample [b,9,h,w] (latents, mask, masked-image latents) → out_sample [b,4,h,w]',
  },
  'sd-unet-depth': {
    build: (seed?: number) => buildSdUnet({ seed, inChannels: 5 }),
    description: 'SD 2 depth UNet: sample [b,5,h,w] (latents, depth) → out_sample [b,4,h,w]',
  },
  'sd-vae-encoder': {
    build: (seed?: number) => buildSdVaeEncoder({ seed }),
    description: 'SD VAE encoder: sample [b,3,H,W] → latent_sample [b,4,H/8,W/8] (posterior mean)',
  },
  'sd-vae-decoder': {
    build: (seed?: number) => buildSdVaeDecoder({ seed }),
    description: 'SD VAE decoder: latent_sample [b,4,h,w] → sample [b,3,8h,8w]',
  },
  'depth-dpt': {
    build: (seed?: number) => buildDepth({ seed }),
    description: 'DPT/MiDaS depth: pixel_values [b,3,h,w] → predicted_depth [b,h,w]',
  },
} satisfies Record<string, TinyModel>;

export type TinyModelName = keyof typeof tinyModels;
export const tinyModelNames = Object.keys(tinyModels) as TinyModelName[];
/** <repo>/tests/fixtures/models, wherever the process was started. */
export const DEFAULT_FIXTURE_DIR = fileURLToPath(new URL('../../tests/fixtures/models', import.meta.url));

export interface WrittenFixture {
  name: TinyModelName;
  path: string;
  bytes: number;
  /** False when the file on disk already had exactly these bytes. */
  written: boolean;
}

/**
 * Builds every fixture and writes the ones whose bytes differ from what is on disk. Each write goes
 * to a temporary file renamed into place, so a test process reading a fixture while another
 * process rebuilds it never sees half a file.
 */
export function writeTinyModels(outDir: string = DEFAULT_FIXTURE_DIR): WrittenFixture[] {
  mkdirSync(outDir, { recursive: true });
  return tinyModelNames.map((name) => {
    const bytes = tinyModels[name].build();
    const path = join(outDir, `${name}.onnx`);
    const same = existsSync(path) && Buffer.from(bytes).equals(readFileSync(path));
    if (!same) {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
    }
    return { name, path, bytes: bytes.length, written: !same };
  });
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  const outDir = process.argv[2] ?? DEFAULT_FIXTURE_DIR;
  const started = performance.now();
  for (const f of writeTinyModels(outDir)) {
    console.log(`${f.written ? 'wrote' : 'same '} ${f.path} (${(f.bytes / 1024).toFixed(1)} KiB)`);
  }
  console.log(`tiny-models: ${tinyModelNames.length} fixtures in ${(performance.now() - started).toFixed(0)} ms`);
}
