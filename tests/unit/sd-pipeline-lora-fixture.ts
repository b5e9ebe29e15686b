// A graph whose initializer and node names we choose, shaped as torch.onnx exports SD's layers:
// a Linear as MatMul over "onnx::MatMul_101" [in, out] under a node scoped by module path, a Conv
// with its parameter name, and a kept [out, in] weight fed through Transpose. Plus a safetensors
// writer for LoRA files in any naming dialect.
import onnxProto from 'onnx-proto';
import { seededRandom, uniformArray } from '../../scripts/onnx/seeded-random.ts';

const { onnx } = onnxProto;

export const DIM = 8;
export const OUT = 6;
export const CONV_OUT = 5;

export interface LoraFixture {
  model: Uint8Array;
  weights: { toQ: Float32Array; conv: Float32Array; projOut: Float32Array };
}

function raw(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function node(name: string, op: string, inputs: string[], outputs: string[], attribute: ReturnType<typeof onnx.AttributeProto.create>[] = []) {
  return onnx.NodeProto.create({ name, opType: op, input: inputs, output: outputs, attribute });
}

function info(name: string, dims: number[]) {
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
}

/** x [1, 4, 8] → q = x·W_q [1, 4, 6]; p = x·W_pᵀ; img [1, 3, 4, 4] → conv [1, 5, 4, 4]. */
export function loraFixture(seed = 3): LoraFixture {
  const random = seededRandom(seed);
  const toQ = uniformArray(random, DIM * OUT, 0.5);
  const projOut = uniformArray(random, OUT * DIM, 0.5);
  const conv = uniformArray(random, CONV_OUT * 3 * 9, 0.3);
  const init = (name: string, dims: number[], data: Float32Array) => onnx.TensorProto.create({ name, dataType: 1, dims, rawData: raw(data) });
  const A = onnx.AttributeProto.AttributeType;
  const graph = onnx.GraphProto.create({
    name: 'lora_fixture',
    node: [
      node('/down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_q/MatMul', 'MatMul', ['x', 'onnx::MatMul_101'], ['q']),
      node('/mid_block/attentions.0/proj_out/Transpose', 'Transpose', ['mid_block.attentions.0.proj_out.weight'], ['wt'], [onnx.AttributeProto.create({ name: 'perm', type: A.INTS, ints: [1, 0] })]),
      node('/mid_block/attentions.0/proj_out/MatMul', 'MatMul', ['x', 'wt'], ['p']),
      node('/down_blocks.0/resnets.0/conv1/Conv', 'Conv', ['img', 'down_blocks.0.resnets.0.conv1.weight'], ['c'], [
        onnx.AttributeProto.create({ name: 'pads', type: A.INTS, ints: [1, 1, 1, 1] }),
        onnx.AttributeProto.create({ name: 'kernel_shape', type: A.INTS, ints: [3, 3] }),
      ]),
    ],
    initializer: [init('onnx::MatMul_101', [DIM, OUT], toQ), init('mid_block.attentions.0.proj_out.weight', [OUT, DIM], projOut), init('down_blocks.0.resnets.0.conv1.weight', [CONV_OUT, 3, 3, 3], conv)],
    input: [info('x', [1, 4, DIM]), info('img', [1, 3, 4, 4])],
    output: [info('q', [1, 4, OUT]), info('p', [1, 4, OUT]), info('c', [1, CONV_OUT, 4, 4])],
  });
  // A copy: in Node protobufjs hands out a Buffer, whose slice() is a view, not a copy.
  const model = new Uint8Array(onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'test', opsetImport: [{ domain: '', version: 17 }], graph })).finish());
  return { model, weights: { toQ, conv, projOut } };
}

export interface TensorSpec {
  shape: number[];
  data: Float32Array;
  dtype?: 'F32' | 'F16';
}

/** A .safetensors file of the given tensors (F32, or F16 where asked). */
export function safetensors(tensors: Record<string, TensorSpec>, toHalf?: (v: number) => number): Uint8Array {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, spec] of Object.entries(tensors)) {
    const dtype = spec.dtype ?? 'F32';
    const bytes = dtype === 'F16' ? new Uint8Array(Uint16Array.from(spec.data, (v) => toHalf!(v)).buffer) : raw(spec.data);
    header[name] = { dtype, shape: spec.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
