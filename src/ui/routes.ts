// The pages of the app, in navigation order. Pages whose feature has not landed yet say so.

export interface Route {
  id: string;
  title: string;
  /** One sentence on what the page is for, shown until the page has its tools. */
  summary: string;
  ready: boolean;
}

export const routes: readonly Route[] = [
  { id: 'generate', title: 'Generate', summary: 'Stable Diffusion: text to image, image to image, inpainting and depth to image.', ready: true },
  { id: 'post-process', title: 'Post-process', summary: 'Upscale with Real-ESRGAN and restore faces with GFPGAN or CodeFormer.', ready: true },
  { id: 'interrogate', title: 'Interrogate', summary: 'Caption an image with BLIP or CoCa, rank labels with CLIP, score aesthetics.', ready: true },
  { id: 'train', title: 'Train', summary: 'Train a LoRA or an aesthetic predictor on a folder of your images.', ready: true },
  { id: 'models', title: 'Models', summary: 'Download, import and remove models; see the storage they use.', ready: true },
  { id: 'gallery', title: 'Gallery', summary: 'Every result with its parameters, searchable and exportable.', ready: true },
  { id: 'settings', title: 'Settings', summary: 'Backend, precision, threads and storage.', ready: true },
];

export const defaultRoute = routes[0]!;

export function routeFromHash(hash: string): Route {
  const id = hash.replace(/^#\/?/, '');
  return routes.find((route) => route.id === id) ?? defaultRoute;
}
