// Public API of the training kernels. Pipelines import from here.
//
//   const ctx = await GpuContext.create();
//   const tape = new Tape(ctx);
//   const w = ctx.upload(data, [out, in], { requiresGrad: true });
//   const loss = mse(tape, linear(tape, x, w, b), target);
//   tape.backward(loss);            // w.grad is set; frozen tensors get none
//   clipGradNorm(ctx, [w.grad!], 1); optimizer.step(); tape.dispose();

export { GpuContext, type ContextStats } from './core/context.ts';
export { Tensor } from './core/tensor.ts';
export { KernelLimitError } from './core/errors.ts';
export type { Shape } from './core/shape.ts';
export { Tape, type BackwardFn, type Grad, type TapeNode } from './autograd/tape.ts';

export { add, binary, div, exp, mul, neg, permute, relu, reshape, scale, sigmoid, sub, unary } from './elementwise/ops.ts';
export { chunk, concat, slice } from './elementwise/copy.ts';
export { mean, sum } from './reduce/ops.ts';
export { matmul, type MatmulAttrs } from './matmul/ops.ts';
export { linear } from './linear/ops.ts';
export { conv2d } from './conv2d/ops.ts';
export type { Conv2dOptions } from './conv2d/dispatch.ts';
export { groupNorm, layerNorm } from './norm/ops.ts';
export { softmax } from './softmax/ops.ts';
export { attention, type AttentionOptions } from './attention/ops.ts';
export { geglu, gelu, silu } from './activation/ops.ts';
export { upsampleNearest } from './upsample/ops.ts';
export { mse } from './mse/ops.ts';
export { AdamW, type AdamWOptions } from './adamw/dispatch.ts';
export { clipGradNorm } from './clip-grad/dispatch.ts';
