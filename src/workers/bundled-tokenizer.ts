// The CLIP tokenizer the app ships (public/models/tokenizers/clip/, OpenAI's BPE: SD 1 and SD 2,
// and every CLIP, OpenCLIP and CoCa model here). Loaded once per worker; a failed load is
// forgotten, so the next job tries again.

import { CLIP_TOKENIZER_PATH, ClipTokenizer } from '../pipelines/tokenizers/clip.ts';

let loading: Promise<ClipTokenizer> | undefined;

export function bundledClipTokenizer(): Promise<ClipTokenizer> {
  const base = new URL(import.meta.env.BASE_URL ?? '/', self.location.origin);
  loading ??= ClipTokenizer.load(new URL(CLIP_TOKENIZER_PATH, base).href).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
