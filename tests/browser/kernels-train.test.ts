// The tape and the optimizer on WebGPU: the composed block's gradients against finite
// differences, gradient accumulation, AdamW against hand values, clipping, a short LoRA
// training run, and the context's pipeline cache, buffer pool and limit checks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from '../../src/kernels/adamw/dispatch.ts';
import { adamwCases } from '../../src/kernels/adamw/cases.ts';
import { adamwInit, adamwStepRef } from '../../src/kernels/adamw/reference.ts';
import { Tape } from '../../src/kernels/autograd/tape.ts';
import { clipCases } from '../../src/kernels/clip-grad/cases.ts';
import { clipGradNorm } from '../../src/kernels/clip-grad/dispatch.ts';
import { clipGradNormRef } from '../../src/kernels/clip-grad/reference.ts';
import { GpuContext } from '../../src/kernels/core/context.ts';
import { KernelLimitError } from '../../src/kernels/core/errors.ts';
import { numel } from '../../src/kernels/core/shape.ts';
import type { Tensor } from '../../src/kernels/core/tensor.ts';
import { add, mul } from '../../src/kernels/elementwise/ops.ts';
import { runMatmul } from '../../src/kernels/matmul/dispatch.ts';
import { matmul } from '../../src/kernels/matmul/ops.ts';
import { blockBackwardCpu, blockGpu, blockInputs, blockNumericGrad } from '../../src/kernels/testing/block.ts';
import { hashSeed, relError, rng } from '../../src/kernels/testing/check.ts';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await GpuContext.create();
});
afterAll(() => ctx.destroy());

function blockValues(seed = 'block'): Record<string, Float64Array> {
  const next = rng(hashSeed(seed));
  return Object.fromEntries(
    blockInputs.map((spec) => {
      const [lo, hi] = spec.range ?? [-1, 1];
      return [spec.name, Float64Array.from({ length: numel(spec.shape) }, () => Math.fround(lo + (hi - lo) * next()))];
    }),
  );
}

function uploadBlock(values: Record<string, Float64Array>): Record<string, Tensor> {
  return Object.fromEntries(blockInputs.map((s) => [s.name, ctx.upload(values[s.name]!, s.shape, { requiresGrad: s.grad !== false, label: s.name })]));
}

describe('composed block on WebGPU', () => {
  it('gradients match finite differences (1e-3) and the float64 backward', async () => {
    const values = blockValues();
    const tensors = uploadBlock(values);
    const tape = new Tape(ctx);
    const loss = blockGpu(tape, tensors);
    const grads = tape.backward(loss);
    expect(tensors.wBase!.grad).toBeNull();
    expect(grads.has(tensors.wBase!)).toBe(false);
    expect(grads.has(tensors.target!)).toBe(false);
    const cpu = blockBackwardCpu(values);
    const errors: string[] = [];
    for (const spec of blockInputs.filter((s) => s.grad !== false)) {
      const got = await ctx.read(tensors[spec.name]!.grad!);
      const numeric = blockNumericGrad(values, spec.name);
      const fd = relError(numeric.indices.map((i) => got[i]!), numeric.values, 1e-6);
      const ref = relError(got, cpu[spec.name]!);
      errors.push(`${spec.name} fd ${fd.toExponential(1)} ref ${ref.toExponential(1)}`);
      expect(fd, spec.name).toBeLessThan(1e-3);
      expect(ref, spec.name).toBeLessThan(1e-4);
    }
    console.log(`block gradients: ${errors.join(', ')}`);
    tape.dispose();
    ctx.release(...Object.values(tensors));
  });

  it('a few AdamW steps on the LoRA factors lower the loss, base weights untouched', async () => {
    const values = blockValues('train');
    const tensors = uploadBlock(values);
    for (const name of ['x', 'w1', 'b1', 'gamma', 'beta', 'wq', 'wk', 'wv']) tensors[name]!.requiresGrad = false;
    const optimizer = new AdamW(ctx, [tensors.down!, tensors.up!], { lr: 0.05, weightDecay: 0 });
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const tape = new Tape(ctx);
      const loss = blockGpu(tape, tensors);
      tape.backward(loss);
      clipGradNorm(ctx, [tensors.down!.grad!, tensors.up!.grad!], 1);
      optimizer.step();
      losses.push((await ctx.read(loss))[0]!);
      tape.dispose();
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]!);
    expect([...(await ctx.read(tensors.wBase!))]).toEqual([...values.wBase!].map(Math.fround));
    optimizer.dispose();
    ctx.release(...Object.values(tensors));
  });
});

describe('tape', () => {
  it('sums gradients of a tensor used several times, including pass-through ones', async () => {
    const x = ctx.upload([1, 2, 3], [3], { requiresGrad: true });
    const y = ctx.upload([4, 5, 6], [3], { requiresGrad: true });
    const tape = new Tape(ctx);
    // L = Σ g · ((x + y) + x + x·x): dL/dx = g (2 + 2x), dL/dy = g
    const out = add(tape, add(tape, add(tape, x, y), x), mul(tape, x, x));
    const seed = ctx.upload([1, -1, 0.5], [3]);
    tape.backward(out, [seed]);
    expect([...(await ctx.read(x.grad!))]).toEqual([4, -6, 4]);
    expect([...(await ctx.read(y.grad!))]).toEqual([1, -1, 0.5]);
    tape.dispose();
    expect(x.grad).toBeNull();
    ctx.release(x, y, seed);
  });

  it('refuses to run backward from a tensor with no gradient history', () => {
    const a = ctx.upload([1], [1, 1]);
    const tape = new Tape(ctx);
    const c = matmul(tape, a, a);
    expect(() => tape.backward(c)).toThrow(/does not depend/);
    tape.dispose();
    ctx.release(a);
  });
});

describe('AdamW on WebGPU', () => {
  it.each(adamwCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const p = ctx.upload(c.param, [c.param.length], { requiresGrad: true });
    const optimizer = new AdamW(ctx, [p], c.options);
    const ref = Float64Array.from(c.param);
    const state = adamwInit(ref.length);
    for (const [step, g] of c.grads.entries()) {
      const grad = ctx.upload(g, [g.length]);
      optimizer.step(new Map([[p, grad]]));
      adamwStepRef(ref, g.map(Math.fround), state, c.options);
      const got = await ctx.read(p);
      expect(relError(got, c.expected?.[step] ?? ref)).toBeLessThan(1e-5);
      ctx.release(grad);
    }
    optimizer.dispose();
    ctx.release(p);
  });
});

describe('gradient clipping on WebGPU', () => {
  it.each(clipCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const next = rng(hashSeed(c.name));
    const data = c.values ?? c.shapes.map((s) => Array.from({ length: numel(s) }, () => Math.fround(2 * next() - 1)));
    const grads = data.map((d, i) => ctx.upload(d, c.shapes[i]!));
    const ref = data.map((d) => Float64Array.from(d));
    const expected = clipGradNormRef(ref, c.maxNorm);
    const [norm, coef] = await ctx.read(clipGradNorm(ctx, grads, c.maxNorm));
    expect(relError([norm!], [expected.norm])).toBeLessThan(1e-5);
    expect(relError([coef!], [expected.coef])).toBeLessThan(1e-5);
    for (const [i, g] of grads.entries()) expect(relError(await ctx.read(g), ref[i]!)).toBeLessThan(1e-5);
    ctx.release(...grads);
  });
});

describe('context', () => {
  it('compiles each pipeline once and reuses pooled buffers across steps', async () => {
    const values = blockValues('pool');
    const tensors = uploadBlock(values);
    const step = async () => {
      const tape = new Tape(ctx);
      tape.backward(blockGpu(tape, tensors));
      tape.dispose();
      await ctx.sync();
    };
    await step();
    const before = ctx.stats();
    await step();
    await step();
    const after = ctx.stats();
    expect(after.pipelines).toBe(before.pipelines);
    expect(after.pipelineHits).toBeGreaterThan(before.pipelineHits);
    expect(after.pool.created).toBe(before.pool.created);
    expect(after.pool.reused).toBeGreaterThan(before.pool.reused);
    expect(after.pool.live).toBe(before.pool.live);
    ctx.release(...Object.values(tensors));
  });

  it('refuses shapes over the adapter limits with a message naming the limit and the shape', () => {
    const tooBig = ctx.limits.maxStorageBufferBindingSize / 4 + 16;
    expect(() => ctx.empty([tooBig])).toThrow(KernelLimitError);
    expect(() => ctx.empty([tooBig])).toThrow(/maxStorageBufferBindingSize/);
    // 64 columns per workgroup: one more column than the x dimension can hold.
    const wide = ctx.limits.maxComputeWorkgroupsPerDimension * 64 + 1;
    const a = ctx.zeros([1, 1]);
    const b = ctx.zeros([1, wide]);
    const tape = new Tape(ctx);
    const live = ctx.stats().pool.live;
    expect(() => matmul(tape, a, b)).toThrow(new RegExp(`\\[1, ${wide}\\].*maxComputeWorkgroupsPerDimension \\(x\\)`));
    expect(ctx.stats().pool.live).toBe(live);
    tape.dispose();
    ctx.release(a, b);
  });

  it('splits batches past the dispatch limit into several dispatches', async () => {
    const batch = ctx.limits.maxComputeWorkgroupsPerDimension + 3;
    const a = ctx.upload(Array.from({ length: batch }, (_, i) => i % 7), [batch, 1, 1]);
    const b = ctx.upload(new Float32Array(batch).fill(2), [batch, 1, 1]);
    // A one-invocation tile keeps 65k workgroups quick on a software adapter.
    const c = runMatmul(ctx, a, b, { tile: { wgX: 1, wgY: 1, tm: 4, tn: 4, bk: 4 } });
    const got = await ctx.read(c);
    expect(got.every((v, i) => v === 2 * (i % 7))).toBe(true);
    ctx.release(a, b, c);
  });

  it('throws on use after release, and surfaces a shader that fails to compile', async () => {
    const t = ctx.upload([1, 2], [2]);
    ctx.release(t);
    expect(() => t.buffer).toThrow(/after it was released/);
    const out = ctx.empty([1]);
    ctx.run({ label: 'broken', body: '@compute @workgroup_size(1) fn main() { dst[0] = undefined_name; }', outputs: { dst: out }, workgroups: [1, 1, 1] });
    await expect(ctx.read(out)).rejects.toThrow(/WebGPU error/);
    ctx.release(out);
  });
});
