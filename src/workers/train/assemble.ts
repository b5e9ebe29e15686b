// Puts a base model together for training: which layout its graphs are (our fixture, by
// positional initializers, or a torch.onnx SD 1.x export, by parameter names), its UNet and text
// encoder on the training backend with fresh adapters, and ORT sessions for what stays frozen
// (the VAE encoder; the text encoder when it is not trained). Also picks the training backend.

import { describeTextEncoder } from '../../pipelines/stable-diffusion/onnx/describe.ts';
import { readOnnxGraph, type OnnxGraph } from '../../pipelines/stable-diffusion/onnx/model.ts';
import type { ModelRun } from '../../pipelines/stable-diffusion/pipeline/types.ts';
import type { DreamBoothConfig } from '../../pipelines/train/dreambooth/config.ts';
import type { DreamBoothModels } from '../../pipelines/train/dreambooth/step.ts';
import type { TrainBackend } from '../../pipelines/train/graph/backend.ts';
import { CpuBackend } from '../../pipelines/train/graph/cpu-backend.ts';
import { GpuBackend } from '../../pipelines/train/graph/gpu-backend.ts';
import { clipTextParams, FIXTURE_TEXT, loadClipText, SD1_TEXT, type ClipTextLayout } from '../../pipelines/train/text/clip-text.ts';
import { fixtureUnetLayout, sd1UnetLayout, SD15_UNET, type UnetLayout } from '../../pipelines/train/unet/layout.ts';
import { loadUnet } from '../../pipelines/train/unet/model.ts';
import { unetParams } from '../../pipelines/train/unet/params.ts';
import { namedOnnxSource, positionalOnnxSource, type WeightSource } from '../../pipelines/train/weights/sources.ts';
import { sessions, type BackendOverride, type ModelFiles } from '../../runtime/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { bundledClipTokenizer } from '../bundled-tokenizer.ts';
import { runOf } from '../interrogate/holder.ts';
import type { BaseModel } from './models.ts';

let shared: GpuBackend | null = null;

/**
 * The training backend: one WebGPU device per worker, kept between runs so a resumed run does not
 * compile every shader again; the CPU references when Settings ask for WASM or WebGPU is missing.
 * `done()` gives a run's pooled buffers back.
 */
export async function trainBackend(override: BackendOverride): Promise<{ backend: TrainBackend<unknown>; notes: string[]; done: () => void }> {
  const cpu = (note: string) => ({ backend: new CpuBackend() as TrainBackend<unknown>, notes: [note], done: () => undefined });
  if (override === 'wasm') return cpu('Settings ask for WASM: training runs on the CPU references, which is slow.');
  try {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) throw new Error('no WebGPU adapter');
    if (!shared) {
      const made = await GpuBackend.create(adapter);
      shared = made;
      void made.ctx.device.lost.then(() => {
        if (shared === made) shared = null;
      });
    }
    const gpu = shared;
    const notes = adapter.info?.isFallbackAdapter ? ['WebGPU runs on a software adapter here: training is slow.'] : [];
    return { backend: gpu as TrainBackend<unknown>, notes, done: () => gpu.trim() };
  } catch (error) {
    return cpu(`No WebGPU (${error instanceof Error ? error.message : String(error)}): training runs on the CPU, which is slow.`);
  }
}

interface Layouts {
  unet: UnetLayout;
  unetSource: WeightSource;
  text: ClipTextLayout;
  textSource: WeightSource;
}

/** A fixture graph from scripts/tiny-models, or a torch.onnx export that keeps parameter names. */
export function layoutsOf(unet: { files: ModelFiles; graph: OnnxGraph }, text: { files: ModelFiles; graph: OnnxGraph }): Layouts {
  const convIn = unet.graph.initializers.get('conv_in.weight');
  if (convIn) {
    const [width, inChannels] = convIn.dims as [number, number];
    const textWidth = text.graph.initializers.get('text_model.final_layer_norm.weight')?.dims[0];
    const named = { unetSource: namedOnnxSource(unet.files), textSource: namedOnnxSource(text.files) };
    if (width === 320 && textWidth === 768) return { unet: sd1UnetLayout({ ...SD15_UNET, inChannels }), text: SD1_TEXT, ...named };
    // The fixture given torch.onnx's names (tests, the e2e run): trained through the names too.
    if (width === 8 && textWidth === FIXTURE_TEXT.width) return { unet: fixtureUnetLayout({ inChannels }), text: FIXTURE_TEXT, ...named };
    throw new InvalidInputError(`This UNet (${width} channels, text width ${textWidth ?? 'unknown'}) is not Stable Diffusion 1.x; training supports SD 1.x UNets so far.`);
  }
  if ([...unet.graph.initializers.keys()].some((name) => /^conv_w(_\d+)?$/.test(name))) {
    const layout = fixtureUnetLayout();
    return { unet: layout, unetSource: positionalOnnxSource(unet.files, unetParams(layout)), text: FIXTURE_TEXT, textSource: positionalOnnxSource(text.files, clipTextParams(FIXTURE_TEXT)) };
  }
  throw new InvalidInputError('This UNet export does not keep torch parameter names (conv_in.weight, …), so its weights cannot be mapped for training. Export it with diffusers\' ONNX converter.');
}

async function frozen(model: BaseModel, role: 'vae_encoder' | 'text_encoder', files: ModelFiles, override: BackendOverride): Promise<ModelRun> {
  const session = await sessions.get({ modelId: `train ${model.name} ${role}`, override, files: () => files });
  return runOf(session);
}

export async function assemble<T>(backend: TrainBackend<T>, model: BaseModel, config: DreamBoothConfig, override: BackendOverride, signal?: AbortSignal): Promise<DreamBoothModels<T> & { release(): void }> {
  const unetFiles = await model.read('unet', signal);
  const textFiles = await model.read('text_encoder', signal);
  const vaeFiles = await model.read('vae_encoder', signal);
  const textGraph = readOnnxGraph(textFiles.model);
  const layouts = layoutsOf({ files: unetFiles, graph: readOnnxGraph(unetFiles.model) }, { files: textFiles, graph: textGraph });
  const textInfo = describeTextEncoder(textGraph);
  const unet = loadUnet(backend, layouts.unet, layouts.unetSource, config.lora, config.seed);
  const text = config.trainTextEncoder ? loadClipText(backend, layouts.text, layouts.textSource, config.lora, config.seed) : null;
  const textRun = config.trainTextEncoder ? null : await frozen(model, 'text_encoder', textFiles, override);
  const tok = await bundledClipTokenizer();
  const padding = model.family === 'sd2' ? 'zero' : 'eos';
  return {
    backend,
    unet,
    text,
    encodeText: async (ids) => {
      if (!textRun) throw new InvalidInputError('The text encoder is being trained; its ONNX graph is not open.');
      const flat = ids.flat();
      const input = textInfo.idsType === 'int64' ? { type: 'int64' as const, data: BigInt64Array.from(flat.map(BigInt)), dims: [ids.length, ids[0]!.length] } : { type: 'int32' as const, data: Int32Array.from(flat), dims: [ids.length, ids[0]!.length] };
      const out = await textRun({ input_ids: input });
      const hidden = out['last_hidden_state'];
      if (!hidden) throw new InvalidInputError('The text encoder gave no last_hidden_state.');
      return hidden;
    },
    tokenize: (caption) => tok.encodeFixed(caption, { padding }).ids,
    vaeEncoder: await frozen(model, 'vae_encoder', vaeFiles, override),
    release() {
      unet.release();
      text?.release();
    },
  };
}
