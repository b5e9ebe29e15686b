// Tiny stand-ins for the x4 upscaler's ONNX export (diffusers OnnxStableDiffusionUpscalePipeline):
// a UNet taking sample [b, 7, h, w] (latents + noised low-res image), timestep, encoder_hidden_states
// and class_labels int64 [b] (the noise level, through a 1000-entry embedding added to the time
// embedding, as the real UNet's num_class_embeds), and a VAE decoder that enlarges ×4.
// Builds in Node and in the browser (scripts/onnx bundles in both).
import { conv2d, groupNorm, resnetBlock, upsampleConv } from '../../scripts/onnx/conv.ts';
import { embedding } from '../../scripts/onnx/linear.ts';
import { add, Net, silu } from '../../scripts/onnx/net.ts';
import { spatialTransformer } from '../../scripts/onnx/spatial.ts';
import { timestepEmbedding } from '../../scripts/onnx/timestep.ts';

export function buildUpscalerUnet(seed = 77): Uint8Array {
  const [c1, c2, groups, contextDim] = [8, 16, 4, 16];
  const timeDim = 4 * c1;
  const n = new Net('sd_x4_unet', seed);
  const sample = n.input('sample', 'float32', ['batch', 7, 'height', 'width']);
  const timestep = n.input('timestep', 'float32', ['steps']);
  const context = n.input('encoder_hidden_states', 'float32', ['batch', 'sequence', contextDim]);
  const labels = n.input('class_labels', 'int64', ['batch']);
  const emb = add(n, timestepEmbedding(n, timestep, c1, timeDim), embedding(n, labels, 1000, timeDim).value);
  const time = { value: emb, dim: timeDim };
  const skip = resnetBlock(n, conv2d(n, sample, 7, c1, 3), c1, c1, groups, time);
  let h = resnetBlock(n, conv2d(n, skip, c1, c1, 3, { stride: 2 }), c1, c2, groups, time);
  h = spatialTransformer(n, h, context, { channels: c2, heads: 2, groups, contextDim });
  h = resnetBlock(n, n.op('Concat', [upsampleConv(n, h, c2), skip], { axis: 1 }), c2 + c1, c1, groups, time);
  n.output(conv2d(n, silu(n, groupNorm(n, h, c1, groups)), c1, 4, 3), 'out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return new Uint8Array(n.bytes());
}

export function buildUpscalerVaeDecoder(seed = 78): Uint8Array {
  const [c, groups] = [8, 4];
  const n = new Net('sd_x4_vae_decoder', seed);
  const latent = n.input('latent_sample', 'float32', ['batch', 4, 'height', 'width']);
  let h = resnetBlock(n, conv2d(n, latent, 4, c, 3), c, c, groups);
  for (let i = 0; i < 2; i++) h = upsampleConv(n, resnetBlock(n, h, c, c, groups), c);
  n.output(conv2d(n, silu(n, groupNorm(n, h, c, groups, 1e-6)), c, 3, 3), 'sample', 'float32', ['batch', 3, 'height*4', 'width*4']);
  return new Uint8Array(n.bytes());
}
