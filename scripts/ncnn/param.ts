// Reads ncnn's text `.param` format: a magic line, "layer_count blob_count", then one line per
// layer: `Type name bottom_count top_count bottoms... tops... id=value ...`. An id of -23300-k
// carries an array for param k: `-23310=2,1.0,0.5` is param 10 = [1.0, 0.5] (count first).

export const NCNN_MAGIC = 7767517;

/** A layer's params by id: a single number or an array of numbers. */
export type ParamValue = number | readonly number[];

export interface NcnnLayer {
  readonly type: string;
  readonly name: string;
  readonly bottoms: readonly string[];
  readonly tops: readonly string[];
  readonly params: ReadonlyMap<number, ParamValue>;
  /** 1-based line in the .param text, for error messages. */
  readonly line: number;
}

export interface NcnnNet {
  readonly layers: readonly NcnnLayer[];
  readonly blobCount: number;
}

export class NcnnParamError extends Error {
  override name = 'NcnnParamError';
}

const ARRAY_KEY_BASE = -23300;

function parseNumber(text: string, where: string): number {
  // ncnn decides int vs float by the presence of '.', 'e' or 'E'; both parse the same in JS.
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new NcnnParamError(`${where}: '${text}' is not a number`);
  return value;
}

function parseEntry(token: string, params: Map<number, ParamValue>, where: string): void {
  const eq = token.indexOf('=');
  if (eq <= 0) throw new NcnnParamError(`${where}: expected id=value, got '${token}'`);
  const key = Number(token.slice(0, eq));
  if (!Number.isInteger(key)) throw new NcnnParamError(`${where}: bad param id in '${token}'`);
  const raw = token.slice(eq + 1);
  if (raw.startsWith('"')) throw new NcnnParamError(`${where}: string params are not supported ('${token}')`);
  if (key <= ARRAY_KEY_BASE) {
    const parts = raw.split(',');
    const count = parseNumber(parts[0] ?? '', where);
    const values = parts.slice(1).map((p) => parseNumber(p, where));
    if (values.length !== count) throw new NcnnParamError(`${where}: array param ${token} declares ${count} values, has ${values.length}`);
    params.set(ARRAY_KEY_BASE - key, values);
  } else {
    params.set(key, parseNumber(raw, where));
  }
}

function parseLayer(tokens: readonly string[], line: number): NcnnLayer {
  const where = `line ${line}`;
  const [type, name, bottomText, topText] = tokens;
  if (type === undefined || name === undefined || bottomText === undefined || topText === undefined) {
    throw new NcnnParamError(`${where}: a layer needs type, name, bottom count and top count`);
  }
  const bottomCount = parseNumber(bottomText, where);
  const topCount = parseNumber(topText, where);
  const rest = tokens.slice(4);
  if (rest.length < bottomCount + topCount) throw new NcnnParamError(`${where}: ${name} lists fewer blobs than ${bottomCount}+${topCount}`);
  const params = new Map<number, ParamValue>();
  for (const token of rest.slice(bottomCount + topCount)) parseEntry(token, params, `${where} (${name})`);
  return {
    type,
    name,
    bottoms: rest.slice(0, bottomCount),
    tops: rest.slice(bottomCount, bottomCount + topCount),
    params,
    line,
  };
}

export function parseNcnnParam(text: string): NcnnNet {
  const lines = text.split(/\r?\n/).map((l, i) => ({ tokens: l.trim().split(/\s+/).filter(Boolean), line: i + 1 }));
  const content = lines.filter((l) => l.tokens.length > 0);
  const [magicLine, countLine, ...layerLines] = content;
  if (!magicLine || Number(magicLine.tokens[0]) !== NCNN_MAGIC) {
    throw new NcnnParamError(`not an ncnn param file: the first line must be ${NCNN_MAGIC}`);
  }
  if (!countLine || countLine.tokens.length !== 2) throw new NcnnParamError('the second line must be "layer_count blob_count"');
  const layerCount = parseNumber(countLine.tokens[0] ?? '', 'line 2');
  const blobCount = parseNumber(countLine.tokens[1] ?? '', 'line 2');
  if (layerLines.length !== layerCount) throw new NcnnParamError(`header says ${layerCount} layers, file has ${layerLines.length}`);

  const layers = layerLines.map((l) => parseLayer(l.tokens, l.line));
  // Every blob is produced exactly once; the header's blob count is a cheap integrity check.
  const produced = new Set<string>();
  for (const layer of layers) {
    for (const top of layer.tops) {
      if (produced.has(top)) throw new NcnnParamError(`line ${layer.line}: blob '${top}' is produced twice`);
      produced.add(top);
    }
  }
  if (produced.size !== blobCount) throw new NcnnParamError(`header says ${blobCount} blobs, layers produce ${produced.size}`);
  for (const layer of layers) {
    for (const bottom of layer.bottoms) {
      if (!produced.has(bottom)) throw new NcnnParamError(`line ${layer.line}: ${layer.name} reads blob '${bottom}' that no layer produces`);
    }
  }
  return { layers, blobCount };
}

/** An integer or float param, or its default when absent. */
export function scalarParam(layer: NcnnLayer, id: number, fallback: number): number {
  const value = layer.params.get(id);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new NcnnParamError(`line ${layer.line}: ${layer.name} param ${id} should be a number, is an array`);
  return value;
}

/** An array param, or its default when absent. */
export function arrayParam(layer: NcnnLayer, id: number, fallback: readonly number[] = []): readonly number[] {
  const value = layer.params.get(id);
  if (value === undefined) return fallback;
  if (typeof value === 'number') throw new NcnnParamError(`line ${layer.line}: ${layer.name} param ${id} should be an array, is a number`);
  return value;
}
