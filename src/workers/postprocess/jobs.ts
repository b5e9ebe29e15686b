// The post-process worker's two jobs, end to end: decode the input, get the models ready
// (installing a built-in one on first use), run the pipeline with progress and cancellation, and
// hand back an encoded result with what the user should know.

import { restoreFaces } from '../../pipelines/face/restore.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import type { ImageSource, PostProcessResult, RestoreRequest, UpscaleRequest } from './types.ts';
import { DETECT_SIZE, checkUnit, detectorFor, restorerFor } from './faces.ts';
import { packResult, readInput, since, type Timings } from './image-io.ts';
import { modelManager, openModel, type JobEnv } from './models.ts';
import { checkOutscale, upscaleWith, type TileStats } from './upscale.ts';

function requireModel(request: { model?: unknown } | undefined, what: string): void {
  if (!request || typeof request.model !== 'string' || request.model === '') throw new InvalidInputError(`Choose ${what} first.`);
}

/** The detector a request names, else the first one stored, else the catalog's first (YuNet). */
async function detectorName(requested: string | undefined): Promise<string> {
  if (requested) return requested;
  const manager = (await modelManager()).managers.face_detector;
  const stored = await manager.available();
  const name = stored[0] ?? manager.list()[0]?.name;
  if (!name) throw new InvalidInputError('No face detector is in the catalog. Add one on the Models page.');
  return name;
}

export async function upscaleJob(env: JobEnv, source: ImageSource, request: UpscaleRequest): Promise<PostProcessResult> {
  requireModel(request, 'an upscaler');
  checkOutscale(request.outscale);
  let start = performance.now();
  const { image, notices } = await readInput(source, env.signal);
  const timings: Timings = { decode: since(start), load: 0, run: 0, encode: 0 };

  start = performance.now();
  const model = await openModel(request.model, ['esrgan'], env);
  timings.load = since(start);

  start = performance.now();
  const stats: TileStats = { tiles: 0, largest: null };
  const result = await upscaleWith(model, image, request, env, stats);
  timings.run = since(start);

  const { backend, reason } = model.session.choice;
  const packed = await packResult(result, request.output, timings);
  env.progress({ kind: 'done' });
  return { ...packed, notices, backend, reason, tiles: stats.tiles, largestTile: stats.largest, faces: 0 };
}

export async function restoreJob(env: JobEnv, source: ImageSource, request: RestoreRequest): Promise<PostProcessResult> {
  requireModel(request, 'a face restorer');
  const strength = checkUnit(request.strength, 1, 'Strength');
  const fidelity = checkUnit(request.fidelity, 0.5, 'Fidelity');
  const threshold = request.scoreThreshold === undefined ? undefined : checkUnit(request.scoreThreshold, 0.5, 'Score threshold');
  checkOutscale(request.outscale);
  let start = performance.now();
  const { image, notices } = await readInput(source, env.signal);
  const timings: Timings = { decode: since(start), load: 0, run: 0, encode: 0 };

  start = performance.now();
  const restorer = await openModel(request.model, ['gfpgan', 'codeformer'], env);
  const detector = await openModel(await detectorName(request.detector), ['face_detector'], env);
  const upscaler = request.upscaler ? await openModel(request.upscaler, ['esrgan'], env) : null;
  timings.load = since(start);

  start = performance.now();
  const stats: TileStats = { tiles: 0, largest: null };
  const result = await restoreFaces(
    image,
    { detect: detectorFor(detector, env, threshold), restore: restorerFor(restorer, env, fidelity) },
    {
      detectSize: DETECT_SIZE,
      strength,
      signal: env.signal,
      onProgress: env.progress,
      upscaleBackground: upscaler ? (background) => upscaleWith(upscaler, background, request, env, stats) : undefined,
    },
  );
  timings.run = since(start);
  if (result.notice) notices.push(result.notice);

  const { backend, reason } = restorer.session.choice;
  const packed = await packResult(result.image, request.output, timings);
  env.progress({ kind: 'done' });
  return { ...packed, notices, backend, reason, tiles: stats.tiles, largestTile: stats.largest, faces: result.faces.length };
}
