// Every kernel's case table, for the tests that walk them all (Node: references and finite
// differences; Chromium: GPU against the references).

import type { BoundCase } from './testing/case.ts';
import { elementwiseCases } from './elementwise/cases.ts';
import { reduceCases } from './reduce/cases.ts';
import { matmulCases } from './matmul/cases.ts';
import { linearCases } from './linear/cases.ts';
import { conv2dCases } from './conv2d/cases.ts';
import { normCases } from './norm/cases.ts';
import { softmaxCases } from './softmax/cases.ts';
import { attentionCases } from './attention/cases.ts';
import { activationCases } from './activation/cases.ts';
import { upsampleCases } from './upsample/cases.ts';
import { mseCases } from './mse/cases.ts';

export const allCases: readonly BoundCase[] = [...elementwiseCases, ...reduceCases, ...matmulCases, ...linearCases, ...conv2dCases, ...normCases, ...softmaxCases, ...attentionCases, ...activationCases, ...upsampleCases, ...mseCases];
