// What one compute dispatch needs, and the WGSL header generated from it. A kernel writes only
// the body; the params struct and bindings are declared here in the order they are bound, so a
// shader and its dispatcher cannot disagree about binding numbers or uniform layout.

import type { Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';

export type ParamType = 'u32' | 'i32' | 'f32';
export type Param = readonly [ParamType, number];

/** A storage binding: a tensor or raw buffer, optionally read as another array type (vec4). */
export type Binding = Tensor | GPUBuffer | { readonly buffer: Tensor | GPUBuffer; readonly type: string };

export interface Program {
  /** Kernel name, used in labels and error messages. */
  label: string;
  /** WGSL after the generated header; must use every declared binding (auto layout drops unused ones). */
  body: string;
  entry?: string;
  /** Pipeline-overridable constants (`override NAME: T;` in the body). */
  constants?: Readonly<Record<string, number>>;
  /** Uniforms, in struct order, read in WGSL as `u.<name>`. */
  params?: Readonly<Record<string, Param>>;
  /** Read-only storage arrays, named in WGSL by their key. */
  inputs?: Readonly<Record<string, Binding>>;
  /** Read-write storage arrays. */
  outputs?: Readonly<Record<string, Binding>>;
  workgroups: readonly [number, number, number];
  /** The shape the dispatch works on, quoted when a limit is exceeded. */
  shape?: Shape;
}

function bindingType(binding: Binding): string {
  return 'type' in binding && typeof binding.type === 'string' ? binding.type : 'array<f32>';
}

/** The WGSL declarations for a program: params struct at binding 0, then inputs, then outputs. */
export function programHeader(program: Program): string {
  const lines: string[] = [];
  let slot = 0;
  const params = Object.entries(program.params ?? {});
  if (params.length > 0) {
    lines.push(`struct Params {\n${params.map(([name, [type]]) => `  ${name}: ${type},`).join('\n')}\n}`);
    lines.push(`@group(0) @binding(${slot++}) var<uniform> u: Params;`);
  }
  for (const [name, binding] of Object.entries(program.inputs ?? {})) {
    lines.push(`@group(0) @binding(${slot++}) var<storage, read> ${name}: ${bindingType(binding)};`);
  }
  for (const [name, binding] of Object.entries(program.outputs ?? {})) {
    lines.push(`@group(0) @binding(${slot++}) var<storage, read_write> ${name}: ${bindingType(binding)};`);
  }
  return `${lines.join('\n')}\n`;
}

/** Packs params into bytes in struct order (every field is 4 bytes; the size is padded to 16). */
export function packParams(params: Readonly<Record<string, Param>>): ArrayBuffer {
  const entries = Object.values(params);
  const bytes = Math.max(16, Math.ceil((entries.length * 4) / 16) * 16);
  const data = new ArrayBuffer(bytes);
  const view = new DataView(data);
  entries.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return data;
}

/** Workgroups for `count` invocations of `size`, folded into y past the per-dimension limit. */
export function grid(count: number, size: number, maxPerDim: number): [number, number, number] {
  const groups = Math.ceil(count / size);
  if (groups <= maxPerDim) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y, 1];
}

/** WGSL: the flat invocation index of a `grid` dispatch (`gid`, `nwg` builtins, workgroup size WG). */
export const flatIndex = 'gid.x + gid.y * nwg.x * WG';
export const gridBuiltins = '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>';

/**
 * WGSL: the opening of a one-invocation-per-element kernel on a `grid` dispatch with workgroups
 * of `wg`, up to the bounds check: `i` is the flat index, invocations at or past `u.n` return.
 * The caller writes the rest of `main` and its closing brace.
 */
export function flatKernelHead(wg: number): string {
  return `const WG: u32 = ${wg}u;
@compute @workgroup_size(WG)
fn main(${gridBuiltins}) {
  let i = ${flatIndex};
  if (i >= u.n) { return; }`;
}
