// The aesthetic predictor's training in the train worker, in the background: rated images are
// embedded with a catalog CLIP model (through the interrogate worker's model holder and CLIP
// pipeline, so the same model gives the same embeddings the predictor will score), the head is
// trained on them, and the best head exports as .safetensors plus a catalog entry that the
// Models page imports, after which the Interrogate page scores with it.

import { embedImages } from '../../pipelines/clip/embed.ts';
import { HEADS } from '../../pipelines/train/predictor/architecture.ts';
import { exportPredictor } from '../../pipelines/train/predictor/export.ts';
import { embedRated, ratedImages } from '../../pipelines/train/predictor/prepare.ts';
import { NATAILI_PREDICTOR, trainPredictor, type TrainedHead } from '../../pipelines/train/predictor/train.ts';
import { decodeImage } from '../../shared/image/decode.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { workerSettings } from '../expose.ts';
import { clipModelOf, clipRuns } from '../interrogate/build.ts';
import { ModelHolder } from '../interrogate/holder.ts';
import { trainBackend } from './assemble.ts';
import { trainCache } from './models.ts';
import type { ExportedFile, PredictorPrepareRequest, PredictorStatus, PredictorTrainRequest } from './types.ts';

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class PredictorRuns {
  private holder: ModelHolder | undefined;
  private data: { clipModel: string; x: Float32Array[]; y: number[] } | null = null;
  private head: TrainedHead | null = null;
  private status: PredictorStatus = { state: 'idle', done: 0, total: 0, history: [], embedded: 0, bestEpoch: null, bestAccuracy: null, error: null };
  private stopWanted = false;
  private work: Promise<void> = Promise.resolve();

  private models(): ModelHolder {
    this.holder ??= new ModelHolder(trainCache());
    return this.holder;
  }

  async clipModels(): Promise<{ name: string; stored: boolean }[]> {
    const owner = (await this.models().current()).managers.clip;
    const stored = new Set(await owner.available());
    return owner
      .list()
      .filter((entry) => entry.config.files.some((f) => f.path === 'vision_model'))
      .map((entry) => ({ name: entry.name, stored: stored.has(entry.name) }))
      .sort((a, b) => Number(b.stored) - Number(a.stored));
  }

  snapshot(): PredictorStatus {
    return { ...this.status, history: [...this.status.history] };
  }

  private busy(): boolean {
    return this.status.state === 'preparing' || this.status.state === 'training';
  }

  private background(task: () => Promise<void>, finalState: () => PredictorStatus['state']): void {
    this.stopWanted = false;
    this.work = task()
      .then(() => void (this.status.state = finalState()))
      .catch((error: unknown) => {
        this.status.state = 'failed';
        this.status.error = error instanceof Error ? error.message : String(error);
      });
  }

  async prepare(request: PredictorPrepareRequest): Promise<PredictorStatus> {
    if (this.busy()) throw new InvalidInputError('The predictor is busy; stop it first.');
    const { images, skipped } = await ratedImages(request.files, request.ratingSource);
    if (images.length < 2) throw new InvalidInputError(`Only ${images.length} rated image(s) found: ${request.ratingSource === 'directory' ? 'put images in folders named by their rating (5, 7.5, …)' : 'give each image a .txt file holding its rating'}.`);
    this.status = { state: 'preparing', done: 0, total: images.length, history: [], embedded: 0, bestEpoch: null, bestAccuracy: null, error: null };
    this.data = null;
    this.head = null;
    this.background(async () => {
      const loaded = await this.models().load(request.clipModel);
      const clip = await clipModelOf(loaded, clipRuns(loaded));
      const { x, y } = await embedRated(images, async (image) => (await embedImages(clip, [(await decodeImage(image.file)).image]))[0]!, {
        onImage: (done) => {
          this.status.done = done;
          if (this.stopWanted) throw new InvalidInputError('Stopped while embedding.');
        },
      });
      this.data = { clipModel: request.clipModel, x, y };
      this.status.embedded = x.length;
      this.status.error = skipped.length ? `${skipped.length} image(s) skipped: ${skipped.slice(0, 3).map((s) => `${s.path} (${s.reason})`).join(', ')}` : null;
    }, () => 'idle');
    return this.snapshot();
  }

  /** Waits for the current background task (tests, and stop()). */
  settled(): Promise<void> {
    return this.work;
  }

  async train(request: PredictorTrainRequest = {}): Promise<PredictorStatus> {
    if (this.busy()) throw new InvalidInputError('The predictor is busy; stop it first.');
    const data = this.data;
    if (!data) throw new InvalidInputError('Prepare rated images first: the predictor trains on their CLIP embeddings.');
    const config = {
      ...NATAILI_PREDICTOR,
      layers: HEADS[request.head ?? 'mlp'],
      ...(request.epochs ? { epochs: request.epochs } : {}),
      ...(request.batchSize ? { batchSize: request.batchSize } : {}),
      ...(request.learningRate ? { learningRate: request.learningRate } : {}),
      ...(request.validation ? { validation: request.validation } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
    };
    this.status = { state: 'training', done: 0, total: config.epochs, history: [], embedded: data.x.length, bestEpoch: null, bestAccuracy: null, error: null };
    this.background(async () => {
      const { backend, done } = await trainBackend(workerSettings().backend);
      try {
        this.head = await trainPredictor(backend, data.x, data.y, config, {
          stopRequested: () => this.stopWanted,
          onEpoch: (report) => {
            this.status.history.push(report);
            this.status.done = report.epoch + 1;
          },
        });
        this.status.bestEpoch = this.head.bestEpoch;
        this.status.bestAccuracy = this.head.bestAccuracy;
      } finally {
        done();
      }
    }, () => (this.stopWanted ? 'stopped' : 'finished'));
    return this.snapshot();
  }

  async stop(): Promise<PredictorStatus> {
    if (this.busy()) this.stopWanted = true;
    await this.work;
    return this.snapshot();
  }

  async export(name: string): Promise<{ weights: ExportedFile; catalog: ExportedFile }> {
    const head = this.head;
    const data = this.data;
    if (!head || !data) throw new InvalidInputError('Train the predictor first.');
    const model = name.trim() || 'my-aesthetic-predictor';
    const weights = exportPredictor(head, { clip_model: data.clipModel, images: String(data.x.length) });
    const fileName = `${model.replace(/[^\w.-]+/g, '_')}.safetensors`;
    const entry = {
      name: model,
      type: 'clip',
      description: `Aesthetic predictor trained in the browser on ${data.x.length} rated images (best validation accuracy ${Math.round(head.bestAccuracy * 100)}%).`,
      version: '1',
      style: 'generalist',
      nsfw: false,
      baseline: data.clipModel,
      config: {
        files: [{ path: 'predictor', kind: 'bytes' }],
        download: [{ file_name: fileName, file_path: 'predictor', file_url: `https://local.invalid/trained/${fileName}`, precision: 'fp32', size: weights.length, sha256: await sha256Hex(weights) }],
      },
    };
    const catalog = new TextEncoder().encode(JSON.stringify({ [model]: entry }, null, 2));
    return { weights: { name: fileName, data: weights }, catalog: { name: `${model.replace(/[^\w.-]+/g, '_')}.catalog.json`, data: catalog } };
  }
}
