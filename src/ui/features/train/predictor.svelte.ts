// The Train page's predictor state: a CLIP model, rated images (folders named by rating, or .txt
// sidecars), their embedding and the head's training followed by polls, and the export, which
// can be installed as a catalog model (Models page import) for the Interrogate page to score with.
import type { HeadName, PredictorStatus, RatingSource, TrainFile } from '../../../workers/api.ts';
import { workers } from '../../../workers/client.ts';
import { Guarded } from '../../state/guarded.svelte.ts';
import { download } from '../../state/train.svelte.ts';

const ACTIVE = new Set(['preparing', 'training']);

export class PredictorState extends Guarded {
  clipModels: { name: string; stored: boolean }[] = $state([]);
  clipModel = $state('');
  ratingSource: RatingSource = $state('directory');
  files: TrainFile[] = $state.raw([]);
  head: HeadName = $state('mlp');
  epochs = $state(100);
  name = $state('my-aesthetic-predictor');
  status: PredictorStatus | null = $state(null);

  constructor() {
    super('train');
  }

  get active(): boolean {
    return this.status !== null && ACTIVE.has(this.status.state);
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      this.clipModels = await workers.call('train', 'clipModels', []);
      if (!this.clipModels.some((m) => m.name === this.clipModel)) this.clipModel = this.clipModels.find((m) => m.stored)?.name ?? '';
      this.follow((await workers.call('train', 'status', [0])).predictor);
    });
  }

  async prepare(): Promise<void> {
    await this.guard(async () => this.follow(await workers.call('train', 'preparePredictor', [{ clipModel: this.clipModel, files: this.files, ratingSource: this.ratingSource }], { transfer: 'none' })));
  }

  async train(): Promise<void> {
    await this.guard(async () => this.follow(await workers.call('train', 'trainPredictor', [{ head: this.head, epochs: this.epochs }])));
  }

  async stop(): Promise<void> {
    await this.guard(async () => this.follow(await workers.call('train', 'stopPredictor', [])));
  }

  async save(): Promise<void> {
    await this.guard(async () => {
      const { weights } = await workers.call('train', 'exportPredictor', [this.name]);
      download(weights.name, weights.data);
      this.message = `Saved ${weights.name}.`;
    });
  }

  /** Imports the predictor with a catalog entry of its own, as the Models page imports files. */
  async install(): Promise<void> {
    await this.guard(async () => {
      const { weights, catalog } = await workers.call('train', 'exportPredictor', [this.name]);
      const file = (f: { name: string; data: Uint8Array }) => {
        const made = new File([f.data.slice()], f.name);
        return { file: made, name: f.name, path: f.name };
      };
      const result = await workers.call('models', 'importFiles', [[file(catalog), file(weights)]]);
      if (result.rejected.length) throw new Error(result.rejected.map((r) => `${r.name}: ${r.reason}`).join('; '));
      this.message = `"${this.name}" is installed: pick it as the aesthetic predictor on the Interrogate page.`;
    });
  }

  private follow(status: PredictorStatus): void {
    this.status = status;
    if (status.state === 'failed' && status.error) this.error = status.error;
    if (!ACTIVE.has(status.state)) return this.stopPolling();
    this.poll(async () => this.follow((await workers.call('train', 'status', [Number.MAX_SAFE_INTEGER])).predictor), () => this.load());
  }
}
