import type { ModelType } from '../../../workers/api.ts';

/** Section headings of the Models page, one per model type, in the words the app's pages use. */
export const typeLabels: Record<ModelType, { title: string; purpose: string }> = {
  esrgan: { title: 'Upscalers (Real-ESRGAN)', purpose: 'Post-process: enlarge images 2–4×.' },
  gfpgan: { title: 'Face restoration: GFPGAN', purpose: 'Post-process: repair faces.' },
  codeformer: { title: 'Face restoration: CodeFormer', purpose: 'Post-process: repair faces, with a fidelity setting.' },
  face_detector: { title: 'Face detectors', purpose: 'Find the faces that face restoration repairs.' },
  clip: { title: 'CLIP', purpose: 'Interrogate: rank labels, embeddings, aesthetic scores.' },
  blip: { title: 'BLIP captioning', purpose: 'Interrogate: describe an image in words.' },
  safety_checker: { title: 'Safety checker', purpose: 'Flags NSFW results of Stable Diffusion.' },
  stable_diffusion: { title: 'Stable Diffusion', purpose: 'Generate: text to image, image to image, inpainting.' },
  depth: { title: 'Depth estimation', purpose: 'Depth maps for depth to image.' },
};
