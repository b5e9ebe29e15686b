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

/**
 * The fixture UNet with one cross-attention projection renamed as torch.onnx names SD's
 * (".../attn2/to_k/MatMul"), so a kohya LoRA can find it; returns the weight's [in, out].
 */
export async function unetWithModuleNames(): Promise<{ data: Uint8Array; dims: [number, number]; key: string }> {
  const { default: onnxProto } = await import('onnx-proto');
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(await fixture('sd-unet'));
  const graph = model.graph!;
  const weights = new Map((graph.initializer ?? []).map((init) => [init.name!, init]));
  const node = (graph.node ?? []).find((n) => n.opType === 'MatMul' && weights.get(n.input![1]!)?.dims?.length === 2 && Number(weights.get(n.input![1]!)!.dims![0]) === 16);
  if (!node) throw new Error('no 16-wide MatMul in the fixture UNet');
  node.name = '/down_blocks.0/attentions.0/transformer_blocks.0/attn2/to_k/MatMul';
  const dims = weights.get(node.input![1]!)!.dims!.map(Number) as [number, number];
  return { data: new Uint8Array(onnx.ModelProto.encode(model).finish()), dims, key: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k' };
}

/** A kohya-named rank-2 LoRA for one module: down [2, in], up [out, 2], alpha 2. */
export function kohyaLora(key: string, inDim: number, outDim: number): Uint8Array {
  const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 0.8);
  const tensors: [string, number[], Float32Array][] = [
    [`${key}.lora_down.weight`, [2, inDim], values(2 * inDim, 1)],
    [`${key}.lora_up.weight`, [outDim, 2], values(outDim * 2, 2)],
    [`${key}.alpha`, [], Float32Array.of(2)],
  ];
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape, data] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, , data] of tensors) {
    out.set(new Uint8Array(data.buffer), at);
    at += data.byteLength;
  }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface CatalogFileSpec {
  path: string;
  fixture: string;
  inputs: string[];
  outputs: string[];
}

/** A catalog entry (nataili's shape, verified sizes and hashes) and the files a user would import with it. */
async function catalogEntry(name: string, type: string, specs: CatalogFileSpec[], extra: Record<string, unknown>): Promise<{ entry: Record<string, unknown>; files: File[] }> {
  const download = [];
  const files: File[] = [];
  for (const spec of specs) {
    const bytes = await fixture(spec.fixture);
    const fileName = `${name}-${spec.path}.onnx`;
    download.push({ file_name: fileName, file_path: spec.path, file_url: `https://fixtures.invalid/${fileName}`, precision: 'fp32', size: bytes.length, sha256: await sha256(bytes) });
    files.push(new File([bytes.slice()], fileName));
  }
  const config = { files: specs.map(({ path, inputs, outputs }) => ({ path, kind: 'onnx', inputs, outputs })), download };
  return { entry: { name, type, description: `fixture ${name}`, version: '1', nsfw: false, config, ...extra }, files };
}

/** The tiny SD model and a safety checker as a catalog plus files, as imported on the Models page. */
export async function sdCatalog(): Promise<{ files: File[]; model: string }> {
  const model = 'tiny-sd-catalog';
  const sd = await catalogEntry(
    model,
    'stable_diffusion',
    [
      { path: 'text_encoder', fixture: 'sd-text-encoder', inputs: ['input_ids'], outputs: ['last_hidden_state'] },
      { path: 'unet', fixture: 'sd-unet', inputs: ['sample', 'timestep', 'encoder_hidden_states'], outputs: ['out_sample'] },
      { path: 'vae_decoder', fixture: 'sd-vae-decoder', inputs: ['latent_sample'], outputs: ['sample'] },
      { path: 'vae_encoder', fixture: 'sd-vae-encoder', inputs: ['sample'], outputs: ['latent_sample'] },
    ],
    { baseline: 'stable diffusion 1', inpainting: false },
  );
  const safety = await catalogEntry('tiny-sd-safety', 'safety_checker', [{ path: 'model', fixture: 'safety-checker', inputs: ['clip_input', 'images'], outputs: ['out_images', 'has_nsfw_concepts'] }], {});
  const json = JSON.stringify({ [model]: sd.entry, 'tiny-sd-safety': safety.entry });
  return { model, files: [new File([json], 'generate-fixtures.json', { type: 'application/json' }), ...sd.files, ...safety.files] };
}
