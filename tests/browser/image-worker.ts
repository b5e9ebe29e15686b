// Decodes in a dedicated worker, where the pipelines will: no DOM, only createImageBitmap and
// OffscreenCanvas. Posts back the pixels, the header and which readback path ran.
import { decodeImage } from '../../src/shared/image/decode.ts';

self.onmessage = async (event: MessageEvent<ArrayBuffer>) => {
  try {
    const { image, header, readback } = await decodeImage(event.data);
    self.postMessage({ image, header, readback }, { transfer: [image.data.buffer] });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
