// Every kernel's case table on WebGPU (Chromium's adapter): outputs and gradients from the GPU
// forward and the tape's backward against the float64 CPU reference, within 1e-5 relative.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCases } from '../../src/kernels/cases.ts';
import { GpuContext } from '../../src/kernels/core/context.ts';
import { caseGradOutputs, caseInputs, relError } from '../../src/kernels/testing/check.ts';
import { runCaseOnGpu } from '../../src/kernels/testing/gpu.ts';

let ctx: GpuContext;
const worst = new Map<string, number>();

beforeAll(async () => {
  ctx = await GpuContext.create();
});

afterAll(() => {
  const rows = [...worst].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`worst relative errors: ${rows.map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
  ctx.destroy();
});

describe.each([...new Set(allCases.map((c) => c.op))])('%s on WebGPU', (op) => {
  const cases = allCases.filter((c) => c.op === op);
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const x = caseInputs(c);
    const expected = c.forward(x);
    const g = caseGradOutputs(c, expected);
    const expectedGrads = c.backward(x, g);
    const got = await runCaseOnGpu(ctx, c, x, g);
    expected.forEach((e, k) => {
      const err = relError(got.outputs[k]!, e);
      worst.set(`${op}/${c.name} out${k}`, err);
      expect(err, `output ${k}`).toBeLessThan(c.tolerance);
    });
    c.inputs.forEach((spec, i) => {
      const e = expectedGrads[i];
      // A frozen input gets no gradient buffer at all.
      if (spec.grad === false) expect(got.grads[i], `${spec.name} is frozen`).toBeNull();
      if (spec.grad === false || !e) return;
      const err = relError(got.grads[i] ?? [], e);
      worst.set(`${op}/${c.name} d${spec.name}`, err);
      expect(err, `gradient of ${spec.name}`).toBeLessThan(c.tolerance);
    });
  });
});
