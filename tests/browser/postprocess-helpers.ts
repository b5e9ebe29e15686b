// Shared by the post-process browser tests: catalog entries for fixture models (served by the
// Vitest server, hashed here as a catalog author would) added the way a user adds them (a catalog
// file on the Models page's worker), pixel helpers, and a "planted" RetinaFace: an ONNX graph with
// RetinaFace's inputs and outputs whose answer is fixed in advance (one face where the test put
// it, or none), so a round trip through real sessions can be checked exactly.

import { GraphBuilder } from '../../scripts/onnx/graph-builder.ts';
import { ffhq512Template } from '../../src/pipelines/face/align.ts';
import { priorBoxes } from '../../src/pipelines/face/retinaface.ts';
import type { RgbaImage } from '../../src/shared/image/types.ts';
import type { WorkerHost } from '../../src/workers/client.ts';

export async function sha256(bytes: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function fetchBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} (did the Vitest global setup run?)`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function fetchBlob(path: string): Promise<Blob> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.blob();
}

/** A catalog entry (nataili's shape, our strict fields) for model bytes at `url` (fetched only on download). */
export async function entryFor(name: string, type: string, bytes: Uint8Array<ArrayBuffer>, url: string, io: { inputs: string[]; outputs: string[] }): Promise<Record<string, unknown>> {
  return {
    name,
    type,
    description: `Test fixture ${url}`,
    version: '1',
    style: 'generalist',
    nsfw: false,
    baseline: 'fixture',
    inpainting: false,
    trigger: [],
    homepage: 'https://github.com/Sygil-Dev/nataili',
    features_not_supported: [],
    config: {
      files: [{ path: 'model', kind: 'onnx', ...io }],
      download: [{ file_name: url.split('/').pop(), file_path: 'model', file_url: url, precision: 'fp32', size: bytes.byteLength, sha256: await sha256(bytes) }],
    },
  };
}

/** An entry for a fixture model the Vitest server serves under tests/fixtures/models/. */
export async function fixtureEntry(name: string, type: string, fixture: string, io: { inputs: string[]; outputs: string[] }): Promise<Record<string, unknown>> {
  const path = `/tests/fixtures/models/${fixture}.onnx`;
  return entryFor(name, type, await fetchBytes(path), new URL(path, location.origin).href, io);
}

/** Adds a catalog as the Models page does (a file the user picked), so every worker sees it. */
export async function addCatalog(host: WorkerHost, source: string, entries: Record<string, unknown>[]): Promise<string[]> {
  const json = JSON.stringify(Object.fromEntries(entries.map((entry) => [entry.name as string, entry])));
  const result = await host.call('models', 'addCatalogFile', [new File([json], source, { type: 'application/json' })]);
  if (result.errors.length > 0) throw new Error(result.errors.join('\n'));
  return result.added;
}

export interface PlantedFace {
  /** The FFHQ template's scale in the image, and where its origin lands. */
  scale: number;
  x: number;
  y: number;
}

/**
 * RetinaFace's contract (input [1,3,H,W] → loc, conf, landms) for one input size, answering one
 * planted face or none. The outputs are constants plus 0·mean(input), so the input is still used.
 */
export function plantedRetinaFace(width: number, height: number, face: PlantedFace | null): Uint8Array {
  const priors = priorBoxes(width, height);
  const count = priors.length / 4;
  const conf = new Float32Array(count * 2);
  const landmarks = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) conf[i * 2] = 1;
  if (face) {
    // One large prior; offsets are (target − prior centre) / (0.1 · prior size), as the decoder expects.
    const i = Math.floor(count * 0.9);
    const [px, py, size] = [priors[i * 4]!, priors[i * 4 + 1]!, priors[i * 4 + 2]!];
    conf.set([0.01, 0.99], i * 2);
    ffhq512Template.forEach(([x, y], k) => {
      landmarks[i * 10 + 2 * k] = (x * face.scale + face.x - px) / (0.1 * size);
      landmarks[i * 10 + 2 * k + 1] = (y * face.scale + face.y - py) / (0.1 * size);
    });
  }
  const g = new GraphBuilder('planted_retinaface');
  const input = g.input('input', 'float32', [1, 3, height, width]);
  const zero = g.node('Mul', [g.node('ReduceMean', [input], { keepdims: 0 }), g.float('zero', [], [0])]);
  const constant = (name: string, k: number, data: Float32Array) => g.output(g.node('Add', [g.float(`${name}_value`, [1, count, k], data), zero]), name, 'float32', [1, count, k]);
  constant('loc', 4, new Float32Array(count * 4));
  constant('conf', 2, conf);
  constant('landms', 10, landmarks);
  return g.toBytes();
}

/**
 * YuNet's contract as OpenCV Zoo exports it (input fixed at [1,3,640,640]; cls, obj, bbox, kps per
 * stride 8, 16, 32) answering one planted face in the top-left 640² of the input: a fixed input
 * shape proves the worker pads smaller images to it.
 */
export function plantedYunet(face: PlantedFace): Uint8Array {
  const SIDE = 640;
  const g = new GraphBuilder('planted_yunet');
  const input = g.input('input', 'float32', [1, 3, SIDE, SIDE]);
  const zero = g.node('Mul', [g.node('ReduceMean', [input], { keepdims: 0 }), g.float('zero', [], [0])]);
  const points = ffhq512Template.map(([x, y]) => [x * face.scale + face.x, y * face.scale + face.y] as const);
  const centre = [(points[0]![0] + points[1]![0]) / 2, (points[0]![1] + points[3]![1]) / 2];
  for (const stride of [8, 16, 32]) {
    const cols = SIDE / stride;
    const cells = cols * cols;
    const cls = new Float32Array(cells);
    const bbox = new Float32Array(cells * 4);
    const kps = new Float32Array(cells * 10);
    if (stride === 32) {
      // One cell answers: centre = (cell + offset)·stride, size = e^offset·stride, landmarks = (kps + cell)·stride.
      const [c, r] = [Math.floor(centre[0]! / stride), Math.floor(centre[1]! / stride)];
      const i = r * cols + c;
      cls[i] = 1;
      bbox.set([centre[0]! / stride - c, centre[1]! / stride - r, Math.log((512 * face.scale) / stride), Math.log((512 * face.scale) / stride)], i * 4);
      points.forEach(([x, y], k) => kps.set([x / stride - c, y / stride - r], i * 10 + 2 * k));
    }
    const out = (name: string, k: number, data: Float32Array) => g.output(g.node('Add', [g.float(`${name}_value`, [1, cells, k], data), zero]), name, 'float32', [1, cells, k]);
    out(`cls_${stride}`, 1, cls);
    out(`obj_${stride}`, 1, cls);
    out(`bbox_${stride}`, 4, bbox);
    out(`kps_${stride}`, 10, kps);
  }
  return g.toBytes();
}

/** An opaque test picture: smooth gradients with a few sharp edges, deterministic. */
export function testPicture(width: number, height: number, alpha?: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const stripe = (Math.floor(x / 5) + Math.floor(y / 7)) % 2 === 0 ? 40 : 0;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1) - stripe;
      data[i + 2] = 128 + stripe;
      data[i + 3] = alpha ? alpha(x, y) : 255;
    }
  }
  return { width, height, data };
}

export function copyImage(image: RgbaImage): RgbaImage {
  return { width: image.width, height: image.height, data: image.data.slice() };
}

/** Largest absolute difference of one channel (0..3) or all channels between two same-size images. */
export function maxDiff(a: RgbaImage, b: RgbaImage, channel?: number): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) if (channel === undefined || i % 4 === channel) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

/** PSNR over RGB in dB. */
export function psnr(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (i % 4 === 3) continue;
    const d = a.data[i]! - b.data[i]!;
    sum += d * d;
    n++;
  }
  return 10 * Math.log10((255 * 255) / (sum / n));
}

export function pixelAt(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return [...image.data.subarray(i, i + 4)];
}
