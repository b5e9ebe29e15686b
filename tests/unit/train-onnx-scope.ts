// Gives a fixture graph the names torch.onnx gives a real Stable Diffusion export: every
// initializer takes its torch parameter name, except Linear weights, which become
// "onnx::MatMul_<n>" read by a node scoped "/<module>/MatMul". The fixture builders name things
// "linear_w_12" and "MatMul_node_40", which no LoRA loader can match; a real export can be. Used
// by the tests that merge an exported LoRA with the diffusion pipeline's loader, and that load
// training weights through namedOnnxSource. Pure TypeScript (Node and Chromium).
import { fields, text, WIRE_BYTES, type WireField } from '../../src/pipelines/stable-diffusion/onnx/protobuf.ts';
import { readOnnxGraph } from '../../src/pipelines/stable-diffusion/onnx/model.ts';
import type { ParamSpec } from '../../src/pipelines/train/unet/params.ts';
import { concatBytes } from '../../src/shared/bytes.ts';

const CONSTANT = /^(const_[fi]\d+|timestep_frequencies|gn_unit|gn_zero|resize_scales)(_\d+)?$/;
const encoder = new TextEncoder();

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

function field(number: number, wire: number, payload: Uint8Array): Uint8Array {
  const head = varint(number * 8 + wire);
  const length = wire === WIRE_BYTES ? varint(payload.length) : [];
  const out = new Uint8Array(head.length + length.length + payload.length);
  out.set(head);
  out.set(length, head.length);
  out.set(payload, head.length + length.length);
  return out;
}

/** Re-encodes the fields of bytes[start, end), letting `edit` replace a field's payload. */
function rewrite(bytes: Uint8Array, start: number, end: number, edit: (f: WireField) => Uint8Array | null): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields(bytes, start, end)) {
    const payload = edit(f) ?? bytes.subarray(f.start, f.end);
    parts.push(field(f.field, f.wire, payload));
  }
  return concatBytes(parts);
}

/** The fixture's weight initializers in builder order, matched to `specs`. */
function paramNames(model: Uint8Array, specs: readonly ParamSpec[]): Map<string, ParamSpec> {
  const weights = [...readOnnxGraph(model).initializers.keys()].filter((name) => !CONSTANT.test(name));
  if (weights.length !== specs.length) throw new Error(`${weights.length} weights for ${specs.length} parameters`);
  return new Map(weights.map((name, i) => [name, specs[i]!]));
}

export function scopeFixture(model: Uint8Array, specs: readonly ParamSpec[]): Uint8Array {
  const params = paramNames(model, specs);
  const rename = new Map<string, string>();
  const linearModule = new Map<string, string>();
  let matmuls = 100;
  for (const [name, spec] of params) {
    const module = spec.name.replace(/\.(weight|bias)$/, '');
    if (spec.kind === 'linear_w' || spec.kind === 'temb_w') {
      const generic = `onnx::MatMul_${matmuls++}`;
      rename.set(name, generic);
      linearModule.set(generic, module);
    } else rename.set(name, spec.name);
  }
  const renamed = (bytes: Uint8Array, f: WireField) => {
    const name = text(bytes, f);
    const to = rename.get(name);
    return to === undefined ? null : encoder.encode(to);
  };
  const node = (bytes: Uint8Array, start: number, end: number) => {
    let scope: string | null = null;
    for (const f of fields(bytes, start, end)) {
      if (f.field === 1 && f.wire === WIRE_BYTES) {
        const input = rename.get(text(bytes, f)) ?? '';
        if (linearModule.has(input)) scope = `/${linearModule.get(input)}/MatMul`;
      }
    }
    return rewrite(bytes, start, end, (f) => (f.field === 1 ? renamed(bytes, f) : f.field === 3 && scope ? encoder.encode(scope) : null));
  };
  const graph = (bytes: Uint8Array, start: number, end: number) =>
    rewrite(bytes, start, end, (f) => {
      if (f.field === 1 && f.wire === WIRE_BYTES) return node(bytes, f.start, f.end);
      if (f.field === 5 && f.wire === WIRE_BYTES) return rewrite(bytes, f.start, f.end, (t) => (t.field === 8 ? renamed(bytes, t) : null));
      return null;
    });
  return rewrite(model, 0, model.length, (f) => (f.field === 7 && f.wire === WIRE_BYTES ? graph(model, f.start, f.end) : null));
}
