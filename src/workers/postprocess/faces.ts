// Face restoration glue: a detector session and a restorer session as the pipeline's FaceModels.
// Detectors are told apart by their outputs (YuNet's cls_8 … kps_32, RetinaFace's loc / conf /
// landms); restorers by their inputs (GFPGAN takes the face; CodeFormer also a fidelity weight,
// which both common exports, 'w' and FaceFusion's 'weight', declare as a double).

import { retinaFaceDetector, yunetDetector, type FaceDetector } from '../../pipelines/face/detectors.ts';
import type { FaceModels } from '../../pipelines/face/restore.ts';
import { yunetStrides, type YunetOutputs } from '../../pipelines/face/yunet.ts';
import type { TensorData } from '../../runtime/index.ts';
import { InvalidInputError, NatailiError } from '../../shared/errors.ts';
import type { PlanarTensor, RgbaImage } from '../../shared/image/types.ts';
import type { JobEnv, OpenedModel } from './models.ts';

/** The longest side the detector sees; OpenCV Zoo's YuNet export is fixed at 640×640. */
export const DETECT_SIZE = 640;
const CROP = 512;

const yunetNames = yunetStrides.flatMap((stride) => (['cls', 'obj', 'bbox', 'kps'] as const).map((kind) => `${kind}_${stride}` as const));

function floats(model: OpenedModel, outputs: Record<string, TensorData>, name: string): Float32Array {
  const tensor = outputs[name];
  if (!tensor || tensor.type !== 'float32') throw new NatailiError('model', `${model.entry.name} gave no float output "${name}". Pick another model.`);
  return tensor.data as Float32Array;
}

/** The image in the top-left of a size×size black canvas: detections keep their coordinates. */
function padTo(image: RgbaImage, size: number): RgbaImage {
  if (image.width === size && image.height === size) return image;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), y * size * 4);
  return { width: size, height: size, data };
}

function runner(model: OpenedModel, env: JobEnv, names: readonly string[]) {
  const input = model.inputs[0]!;
  return async (tensor: PlanarTensor) =>
    model.session.run({ [input]: { type: 'float32', dims: [...tensor.dims], data: tensor.data } }, { signal: env.signal, outputs: names });
}

export function detectorFor(model: OpenedModel, env: JobEnv, scoreThreshold?: number): FaceDetector {
  const outputs = model.session.info.outputs;
  if (yunetNames.every((name) => outputs.includes(name))) {
    const run = runner(model, env, yunetNames);
    const detect = yunetDetector(async (tensor) => {
      const out = await run(tensor);
      return Object.fromEntries(yunetNames.map((name) => [name, floats(model, out, name)])) as YunetOutputs;
    }, scoreThreshold);
    // detectFaces shrinks the image to at most DETECT_SIZE a side; pad it to the export's fixed shape.
    return (image) => detect(padTo(image, DETECT_SIZE));
  }
  const landmarks = outputs.find((name) => /^land/i.test(name));
  if (outputs.includes('loc') && outputs.includes('conf') && landmarks) {
    const run = runner(model, env, ['loc', 'conf', landmarks]);
    return retinaFaceDetector(async (tensor) => {
      const out = await run(tensor);
      return { loc: floats(model, out, 'loc'), conf: floats(model, out, 'conf'), landmarks: floats(model, out, landmarks) };
    }, scoreThreshold);
  }
  throw new NatailiError(
    'model',
    `${model.entry.name} has outputs ${outputs.join(', ')}: neither YuNet's (cls_8 … kps_32) nor RetinaFace's (loc, conf, landms). Pick another face detector.`,
  );
}

export function checkUnit(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new InvalidInputError(`${name} must be between 0 and 1; got ${v}.`);
  return v;
}

/** The restorer on a [1,3,512,512] face in [-1,1]; CodeFormer also gets its fidelity. */
export function restorerFor(model: OpenedModel, env: JobEnv, fidelity: number): FaceModels['restore'] {
  const [image, weight] = model.inputs;
  const output = model.outputs[0]!;
  return async (crop) => {
    const feeds: Record<string, TensorData> = { [image!]: { type: 'float32', dims: [...crop.dims], data: crop.data } };
    if (weight) feeds[weight] = { type: 'float64', dims: [1], data: Float64Array.of(fidelity) };
    const out = await model.session.run(feeds, { signal: env.signal, outputs: [output] });
    const tensor = out[output];
    const dims = tensor?.dims ?? [];
    if (!tensor || tensor.type !== 'float32' || dims.join() !== [1, 3, CROP, CROP].join()) {
      throw new NatailiError('model', `${model.entry.name} returned [${dims.join(',')}] for a 512×512 face; a face restorer returns [1,3,512,512]. Pick another model.`);
    }
    return { data: tensor.data as Float32Array, dims: [1, 3, CROP, CROP] };
  };
}
