// Every kernel's case table on the float64 CPU reference: hand-computed values where the table
// gives them, and the reference backward against central finite differences (within 1e-3).

import { describe, expect, it } from 'vitest';
import { allCases } from '../../src/kernels/cases.ts';
import { caseGradOutputs, caseInputs, numericGrad, relError } from '../../src/kernels/testing/check.ts';

const GRAD_TOLERANCE = 1e-3;
// Finite differences carry ~1e-10 of rounding noise; a gradient that is exactly zero (layer
// norm of two values) is compared on that absolute scale instead of relative to itself.
const GRAD_FLOOR = 1e-6;

describe.each([...new Set(allCases.map((c) => c.op))])('%s reference', (op) => {
  const cases = allCases.filter((c) => c.op === op);
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const x = caseInputs(c);
    const outputs = c.forward(x);
    if (c.values) {
      c.values.outputs.forEach((expected, k) => expect(relError(outputs[k]!, expected)).toBeLessThan(1e-12));
    }
    outputs.forEach((o) => expect(o.every(Number.isFinite)).toBe(true));
    const g = caseGradOutputs(c, outputs);
    const grads = c.backward(x, g);
    c.inputs.forEach((spec, i) => {
      const analytic = grads[i];
      if (spec.grad === false) return;
      expect(analytic, `${spec.name} has a gradient`).toBeTruthy();
      const numeric = numericGrad(c, x, g, i);
      const picked = numeric.indices.map((j) => analytic![j]!);
      expect(relError(picked, numeric.values, GRAD_FLOOR), `d/d${spec.name}`).toBeLessThan(GRAD_TOLERANCE);
    });
  });
});
