// Every kernel's case table, for the tests that walk them all (Node: references and finite
// differences; Chromium: GPU against the references).

import type { BoundCase } from './testing/case.ts';
import { elementwiseCases } from './elementwise/cases.ts';

export const allCases: readonly BoundCase[] = [...elementwiseCases];
