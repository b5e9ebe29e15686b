// Starts the fault-injecting model server once for every test project and hands its URL to the
// tests (inject('modelServerUrl')); the browser tests reach it cross-origin.

import type { TestProject } from 'vitest/node';
import { startModelServer } from '../servers/model-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    modelServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startModelServer();
  project.provide('modelServerUrl', server.url);
  return () => server.close();
}
