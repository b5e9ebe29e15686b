// What the pipeline needs to know about an ONNX graph before it opens a session: the inputs with
// their element types and shapes (exports differ in timestep dtype, UNet channels, fixed batch),
// and, for LoRA merging, each initializer's place in the bytes and the nodes that consume it.
// Field numbers are onnx.proto3's (ModelProto.graph = 7, GraphProto.node = 1, initializer = 5, …).

import { InvalidInputError } from '../../../shared/errors.ts';
import { fields, pushInts, text, WIRE_BYTES, WIRE_FIXED32, type WireField } from './protobuf.ts';

/** TensorProto.DataType values we handle. */
export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_FLOAT16 = 10;

export const ELEMENT_TYPES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16' };

export interface GraphValue {
  name: string;
  /** 'float32', 'int64', … ('unknown' for types we do not list). */
  type: string;
  /** A number for a fixed size, a string for a named (dynamic) one, null when unstated. */
  dims: (number | string | null)[];
}

/** Where an initializer's values are: in this file's bytes, or in an external-data file. */
export type InitializerData =
  | { kind: 'raw'; start: number; end: number }
  | { kind: 'float_data'; start: number; end: number }
  | { kind: 'external'; location: string; offset: number; length: number | null };

export interface Initializer {
  name: string;
  dataType: number;
  dims: number[];
  data: InitializerData | null;
}

export interface GraphNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes (Gemm's transB, Conv's group); others are not read. */
  ints: Record<string, number>;
}

export interface OnnxGraph {
  inputs: GraphValue[];
  outputs: GraphValue[];
  initializers: Map<string, Initializer>;
  nodes: GraphNode[];
}

function only(bytes: Uint8Array, message: WireField, number: number): WireField | undefined {
  for (const f of fields(bytes, message.start, message.end)) if (f.field === number) return f;
  return undefined;
}

function readValueInfo(bytes: Uint8Array, message: WireField): GraphValue {
  const value: GraphValue = { name: '', type: 'unknown', dims: [] };
  for (const f of fields(bytes, message.start, message.end)) {
    if (f.field === 1) value.name = text(bytes, f);
    if (f.field !== 2) continue;
    const tensorType = only(bytes, f, 1); // TypeProto.tensor_type
    if (!tensorType) continue;
    for (const t of fields(bytes, tensorType.start, tensorType.end)) {
      if (t.field === 1) value.type = ELEMENT_TYPES[t.varint] ?? 'unknown';
      if (t.field !== 2) continue;
      for (const d of fields(bytes, t.start, t.end)) {
        if (d.field !== 1) continue; // TensorShapeProto.dim
        let dim: number | string | null = null;
        for (const part of fields(bytes, d.start, d.end)) {
          if (part.field === 1) dim = part.varint;
          if (part.field === 2) dim = text(bytes, part);
        }
        value.dims.push(dim);
      }
    }
  }
  return value;
}

function readExternal(bytes: Uint8Array, entries: WireField[]): InitializerData {
  const map = new Map<string, string>();
  for (const entry of entries) {
    let key = '';
    let value = '';
    for (const f of fields(bytes, entry.start, entry.end)) {
      if (f.field === 1) key = text(bytes, f);
      if (f.field === 2) value = text(bytes, f);
    }
    map.set(key, value);
  }
  const length = map.get('length');
  return { kind: 'external', location: map.get('location') ?? '', offset: Number(map.get('offset') ?? 0), length: length === undefined ? null : Number(length) };
}

function readInitializer(bytes: Uint8Array, message: WireField): Initializer {
  const initializer: Initializer = { name: '', dataType: 0, dims: [], data: null };
  const external: WireField[] = [];
  let location = 0;
  for (const f of fields(bytes, message.start, message.end)) {
    if (f.field === 1) pushInts(bytes, f, initializer.dims);
    else if (f.field === 2) initializer.dataType = f.varint;
    else if (f.field === 8) initializer.name = text(bytes, f);
    else if (f.field === 9) initializer.data = { kind: 'raw', start: f.start, end: f.end };
    // float_data is packed float32 in proto3: the same little-endian bytes as raw_data.
    else if (f.field === 4 && f.wire === WIRE_BYTES) initializer.data = { kind: 'float_data', start: f.start, end: f.end };
    else if (f.field === 13) external.push(f);
    else if (f.field === 14) location = f.varint;
  }
  if (location === 1) initializer.data = readExternal(bytes, external);
  return initializer;
}

function readNode(bytes: Uint8Array, message: WireField): GraphNode {
  const node: GraphNode = { name: '', opType: '', inputs: [], outputs: [], ints: {} };
  for (const f of fields(bytes, message.start, message.end)) {
    if (f.field === 1) node.inputs.push(text(bytes, f));
    else if (f.field === 2) node.outputs.push(text(bytes, f));
    else if (f.field === 3) node.name = text(bytes, f);
    else if (f.field === 4) node.opType = text(bytes, f);
    else if (f.field === 5) {
      let name = '';
      let value: number | null = null;
      for (const a of fields(bytes, f.start, f.end)) {
        if (a.field === 1) name = text(bytes, a);
        if (a.field === 3 && a.wire !== WIRE_FIXED32) value = a.varint;
      }
      if (value !== null) node.ints[name] = value;
    }
  }
  return node;
}

export interface ReadOptions {
  /** Skip nodes and initializers (only inputs and outputs are wanted): faster on big graphs. */
  interfaceOnly?: boolean;
}

/** Reads a serialized ModelProto's main graph. Subgraphs (If/Loop bodies) are not visited. */
export function readOnnxGraph(bytes: Uint8Array, options: ReadOptions = {}): OnnxGraph {
  const graph: OnnxGraph = { inputs: [], outputs: [], initializers: new Map(), nodes: [] };
  let graphField: WireField | undefined;
  for (const f of fields(bytes)) if (f.field === 7 && f.wire === WIRE_BYTES) graphField = f;
  if (!graphField) throw new InvalidInputError('This ONNX file has no graph. Export the model again.');
  const initializerNames = new Set<string>();
  const declaredInputs: GraphValue[] = [];
  for (const f of fields(bytes, graphField.start, graphField.end)) {
    if (f.field === 11) declaredInputs.push(readValueInfo(bytes, f));
    else if (f.field === 12) graph.outputs.push(readValueInfo(bytes, f));
    else if (options.interfaceOnly) {
      // Names only, so that initializers listed as inputs (IR < 4 exports) can be told apart.
      if (f.field === 5) {
        const name = only(bytes, f, 8);
        if (name) initializerNames.add(text(bytes, name));
      }
    } else if (f.field === 1) graph.nodes.push(readNode(bytes, f));
    else if (f.field === 5) {
      const initializer = readInitializer(bytes, f);
      graph.initializers.set(initializer.name, initializer);
      initializerNames.add(initializer.name);
    }
  }
  graph.inputs = declaredInputs.filter((input) => !initializerNames.has(input.name));
  return graph;
}

/** The graph input named `name`, if any. */
export function graphInput(graph: Pick<OnnxGraph, 'inputs'>, name: string): GraphValue | undefined {
  return graph.inputs.find((input) => input.name === name);
}
