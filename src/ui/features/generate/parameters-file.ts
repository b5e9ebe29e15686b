// Reads the generation settings a picked or dropped file carries (A1111's PNG `parameters` text,
// which the Gallery's downloads carry too), or says in one sentence why it has none.
import { isPng, parametersFromPng, type GenerationParameters } from '../../../shared/png/index.ts';

export type ParametersRead = { ok: true; parameters: GenerationParameters } | { ok: false; message: string };

export async function readParametersFile(file: File): Promise<ParametersRead> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = file.name || 'The dropped file';
  if (!isPng(bytes)) return { ok: false, message: `${name} is not a PNG, so it carries no generation parameters. Nothing was changed.` };
  const parameters = parametersFromPng(bytes);
  if (!parameters) return { ok: false, message: `${name} has no generation parameters (no A1111 “parameters” text in it). Nothing was changed.` };
  return { ok: true, parameters };
}
