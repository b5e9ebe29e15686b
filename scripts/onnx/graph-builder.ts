// A small typed layer over onnx-proto for writing ONNX models from TypeScript: fixture models for
// tests and models converted from other formats. Opset 17 / IR 8: older opsets break Resize with
// an empty roi, and onnxruntime-web rejects newer IR versions.

import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const OPSET = 17;
export const IR_VERSION = 8;

export type ElementType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';
/** A dimension: a fixed size, or a name for a dimension that varies (batch, height, sequence). */
export type Dim = number | string;
export type AttributeValue = number | string | number[] | string[] | { floats: number[] } | { float: number };

const dataTypes: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  // Some exports (CodeFormer's fidelity weight) take a double input.
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

type TypedData = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

function valueInfo(name: string, type: ElementType, shape: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: dataTypes[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function attribute(name: string, value: AttributeValue) {
  const A = onnx.AttributeProto.AttributeType;
  // Integers are INT/INTS; a float is written as { float } or { floats } to be unambiguous.
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: A.INT, i: value });
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number')) return onnx.AttributeProto.create({ name, type: A.INTS, ints: value as number[] });
    return onnx.AttributeProto.create({ name, type: A.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) });
  }
  if ('float' in value) return onnx.AttributeProto.create({ name, type: A.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: A.FLOATS, floats: value.floats });
}

function bytesOf(data: TypedData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class GraphBuilder {
  private readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private readonly initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let name = `${prefix}_${this.counter++}`;
    while (this.names.has(name)) name = `${prefix}_${this.counter++}`;
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElementType, shape: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Declares `value` a graph output; renames it with an Identity node when the names differ. */
  output(value: string, name: string, type: ElementType, shape: readonly Dim[]): string {
    const out = value === name ? value : this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfo(out, type, shape));
    return out;
  }

  initializer(name: string, type: ElementType, dims: readonly number[], data: TypedData): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(',')}] (${expected})`);
    const unique = this.names.has(name) ? this.fresh(name) : name;
    this.names.add(unique);
    this.initializers.push(onnx.TensorProto.create({ name: unique, dataType: dataTypes[type], dims: [...dims], rawData: bytesOf(data) }));
    return unique;
  }

  float(name: string, dims: readonly number[], data: Float32Array | number[]): string {
    return this.initializer(name, 'float32', dims, data instanceof Float32Array ? data : Float32Array.from(data));
  }

  int64(name: string, values: readonly number[]): string {
    return this.initializer(name, 'int64', [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.nodeMulti(op, inputs, 1, attributes, outputName ? [outputName] : undefined)[0]!;
  }

  /** Adds a node with several outputs (Split, TopK); an empty input name marks an omitted optional input. */
  nodeMulti(op: string, inputs: readonly string[], outputCount: number, attributes: Record<string, AttributeValue> = {}, outputNames?: readonly string[]): string[] {
    const outputs = outputNames ? [...outputNames] : Array.from({ length: outputCount }, () => this.fresh(op.toLowerCase()));
    for (const o of outputs) this.names.add(o);
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: this.fresh(`${op}_node`),
        input: [...inputs],
        output: outputs,
        attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
      }),
    );
    return outputs;
  }

  toBytes(producer = 'nataili-web'): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: producer,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
