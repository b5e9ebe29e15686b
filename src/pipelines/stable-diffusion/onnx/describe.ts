// Reads from a graph what differs between Stable Diffusion exports, so one pipeline serves them
// all: the UNet's input channels (diffusers declares the channel axis dynamic, so it is read
// from conv_in's weight when the input does not say), timestep dtype and length, fixed batch
// sizes, the upscaler's class_labels; the text encoder's id dtype; and which role a graph plays
// (for model files the user hands in without a catalog entry).

import { InvalidInputError } from '../../../shared/errors.ts';
import type { TextEncoderInfo, UNetInfo } from '../pipeline/types.ts';
import { graphInput, type GraphValue, type OnnxGraph } from './model.ts';

export type SdRole = 'text_encoder' | 'unet' | 'vae_encoder' | 'vae_decoder' | 'depth';

function fixed(dim: GraphValue['dims'][number] | undefined): number | null {
  return typeof dim === 'number' && dim > 0 ? dim : null;
}

/** Follows `value` through casts and identities to the first Conv, and returns its weight's in-channels. */
function convInChannels(graph: OnnxGraph, value: string): number | null {
  let current = value;
  for (let hop = 0; hop < 8; hop++) {
    const consumer = graph.nodes.find((node) => node.inputs[0] === current);
    if (!consumer) return null;
    if (consumer.opType === 'Conv') {
      const weight = graph.initializers.get(consumer.inputs[1] ?? '');
      return weight && weight.dims.length === 4 ? weight.dims[1]! : null;
    }
    if (!['Cast', 'Identity'].includes(consumer.opType)) return null;
    current = consumer.outputs[0]!;
  }
  return null;
}

export function describeUnet(graph: OnnxGraph): UNetInfo {
  const sample = graphInput(graph, 'sample');
  const timestep = graphInput(graph, 'timestep');
  if (!sample || !timestep || !graphInput(graph, 'encoder_hidden_states')) {
    throw new InvalidInputError(`This UNet export lacks sample, timestep or encoder_hidden_states (it has ${graph.inputs.map((i) => i.name).join(', ')}).`);
  }
  const inChannels = fixed(sample.dims[1]) ?? convInChannels(graph, 'sample') ?? 4;
  const type = timestep.type;
  if (type !== 'float32' && type !== 'int64' && type !== 'float16') throw new InvalidInputError(`This UNet takes a ${type} timestep; the pipeline feeds float32, float16 or int64.`);
  return {
    inChannels,
    timestepType: type,
    // A rank-0 timestep is fed as one value: length 1 is the closest we can say.
    timestepLength: timestep.dims.length === 0 ? 1 : fixed(timestep.dims[0]),
    fixedBatch: fixed(sample.dims[0]),
    classLabels: graphInput(graph, 'class_labels') !== undefined,
  };
}

export function describeTextEncoder(graph: OnnxGraph): TextEncoderInfo {
  const ids = graphInput(graph, 'input_ids');
  if (!ids) throw new InvalidInputError(`This text encoder export has no input_ids input (it has ${graph.inputs.map((i) => i.name).join(', ')}).`);
  return { idsType: ids.type === 'int64' ? 'int64' : 'int32', fixedBatch: fixed(ids.dims[0]) };
}

/** The hidden size of a text encoder's last_hidden_state (768 for SD 1.x, 1024 for SD 2.x), when fixed. */
export function textHiddenSize(graph: OnnxGraph): number | null {
  const output = graph.outputs.find((o) => o.name === 'last_hidden_state');
  return fixed(output?.dims[2]);
}

/** Which part of a Stable Diffusion model a graph is, from its input names. */
export function sdRoleOf(graph: Pick<OnnxGraph, 'inputs'>): SdRole | null {
  const names = new Set(graph.inputs.map((input) => input.name));
  if (names.has('input_ids')) return 'text_encoder';
  if (names.has('timestep') && names.has('sample')) return 'unet';
  if (names.has('latent_sample')) return 'vae_decoder';
  if (names.has('pixel_values')) return 'depth';
  if (names.has('sample') && names.size === 1) return 'vae_encoder';
  return null;
}
