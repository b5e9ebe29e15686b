// A tiled GEMM template shared by matmul, linear and the three conv2d GEMMs (implicit GEMM:
// the conv's im2col matrix is never built, its loader computes each element on the fly).
//
// Each workgroup computes a BM×BN block of C = A·B for one batch (dispatch z). Per step it
// stages a BM×BK slice of A and a BK×BN slice of B in workgroup memory, then each invocation
// accumulates a TM×TN register block from them. Staging cuts global reads by a factor of BM
// (or BN), and the register block amortises each workgroup-memory read over TM (or TN) FMAs.
// Callers supply WGSL loaders and a store; bounds against M, N, K are checked here, so a
// loader sees only in-range indices.

import type { GpuContext } from '../core/context.ts';
import { KernelLimitError } from '../core/errors.ts';
import type { Param, Program } from '../core/program.ts';
import type { Shape } from '../core/shape.ts';

export interface GemmTile {
  /** Invocations along N (x) and M (y). */
  wgX: number;
  wgY: number;
  /** Outputs per invocation along M and N. */
  tm: number;
  tn: number;
  /** K slice staged per step. */
  bk: number;
  /** Write the k loop of the register block out in full too (longer compile, fewer branches). */
  unrollK?: boolean;
}

export const defaultTile: GemmTile = { wgX: 8, wgY: 8, tm: 8, tn: 8, bk: 8 };

export interface GemmSource {
  /** `fn loadA(batch: u32, row: u32, k: u32) -> f32` (row < M, k < K). */
  loadA: string;
  /** `fn loadB(batch: u32, k: u32, col: u32) -> f32` (k < K, col < N). */
  loadB: string;
  /** `fn store(batch: u32, row: u32, col: u32, value: f32)` (row < M, col < N). */
  store: string;
  /** Extra WGSL (helpers, overrides) placed before the loaders. */
  helpers?: string;
  /**
   * WGSL bool expressions: whether A is contiguous along M (else along K) and B along N (else
   * along K) in memory; they pick the staging order. Defaults: A along K, B along N.
   */
  aAlongM?: string;
  bAlongN?: string;
}

export function tileRows(tile: GemmTile): number {
  return tile.wgY * tile.tm;
}

export function tileCols(tile: GemmTile): number {
  return tile.wgX * tile.tn;
}

// The register block is written out in full, with a named accumulator per (row vector, column)
// and constant offsets: an adapter that compiles without unrolling loops or promoting private
// arrays to registers (SwiftShader's JIT) otherwise addresses each accumulator through memory,
// per lane, which made the kernel three times slower there.
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function declareAccumulators({ tm, tn }: GemmTile): string {
  return range(tm / 4).flatMap((i) => range(tn).map((j) => `  var acc${i}_${j} = vec4<f32>(0.0);`)).join('\n');
}

/** One k of the register block: TN scalars of B (broadcast to vec4), TM/4 vec4s of A. */
function computeStep({ tm, tn }: GemmTile, k: string): string {
  const lines = range(tn).map((j) => `    let b${j} = vec4<f32>(tileB[(${k}) * BN + ${j}u * WGX + lid.x]);`);
  for (const i of range(tm / 4)) {
    lines.push(`    let a${i} = tileA[(${k}) * (BM / 4u) + lid.y * (TM / 4u) + ${i}u];`);
    for (const j of range(tn)) lines.push(`    acc${i}_${j} = fma(a${i}, b${j}, acc${i}_${j});`);
  }
  return lines.join('\n');
}

function compute(tile: GemmTile): string {
  if (!tile.unrollK) return `    for (var k = 0u; k < BK; k = k + 1u) {\n  ${computeStep(tile, 'k').replaceAll('\n', '\n  ')}\n    }`;
  return range(tile.bk).map((k) => `    {\n  ${computeStep(tile, `${k}u`).replaceAll('\n', '\n  ')}\n    }`).join('\n');
}

/** Staging of one operand tile: `items` slots filled THREADS at a time, `fill` fills slot `e`. */
function stage(items: number, fill: string): string {
  return `      for (var e = li; e < ${items}u; e = e + WGX * WGY) { ${fill} }`;
}

// Staging walks the global layout's contiguous axis fastest across invocations, so that
// neighbouring invocations read neighbouring words: along M each fills a vec4 of four rows,
// along K or N one value. (These loops stay loops: written out in full, SwiftShader's compile
// time grew past a minute for small workgroups.)
function stageA(tile: GemmTile, alongM: string): string {
  const bm = tile.wgY * tile.tm;
  const rows = range(4).map((q) => `ldA(batch, row0 + m + ${q}u, k0 + k)`).join(', ');
  const byM = stage((bm * tile.bk) / 4, `let m = (e % (BM / 4u)) * 4u; let k = e / (BM / 4u); tileA[e] = vec4<f32>(${rows});`);
  const byK = stage(bm * tile.bk, 'let k = e % BK; let m = e / BK; tileA[k * (BM / 4u) + m / 4u][m % 4u] = ldA(batch, row0 + m, k0 + k);');
  return `    if (${alongM}) {\n${byM}\n    } else {\n${byK}\n    }`;
}

function stageB(tile: GemmTile, alongN: string): string {
  const bn = tile.wgX * tile.tn;
  const byN = stage(bn * tile.bk, 'let n = e % BN; let k = e / BN; tileB[e] = ldB(batch, k0 + k, col0 + n);');
  const byK = stage(bn * tile.bk, 'let k = e % BK; let n = e / BK; tileB[k * BN + n] = ldB(batch, k0 + k, col0 + n);');
  return `    if (${alongN}) {\n${byN}\n    } else {\n${byK}\n    }`;
}

function storeAll({ tm, tn }: GemmTile): string {
  const lines: string[] = [];
  for (const i of range(tm)) {
    lines.push(`  {\n    let row = row0 + lid.y * TM + ${i}u;`);
    for (const j of range(tn)) {
      const col = `col0 + ${j}u * WGX + lid.x`;
      lines.push(`    if (row < u.M && ${col} < u.N) { store(batch, row, ${col}, acc${Math.floor(i / 4)}_${j}[${i % 4}]); }`);
    }
    lines.push('  }');
  }
  return lines.join('\n');
}

/** The WGSL body; the header must declare params M, N, K and batch0 (see runGemm). */
export function gemmBody(src: GemmSource, tile: GemmTile = defaultTile): string {
  const { wgX, wgY, tm, tn, bk } = tile;
  if (tm % 4 !== 0) throw new Error(`GEMM tile: tm ${tm} must be a multiple of 4.`);
  return `${src.helpers ?? ''}
${src.loadA}
${src.loadB}
${src.store}

const WGX: u32 = ${wgX}u;
const WGY: u32 = ${wgY}u;
const TM: u32 = ${tm}u;
const TN: u32 = ${tn}u;
const BK: u32 = ${bk}u;
const BM: u32 = WGY * TM;
const BN: u32 = WGX * TN;

// k-major tiles: A as vec4s of four rows (an invocation reads its TM rows as TM/4 vectors),
// B as scalars (invocation x owns columns x, x + WGX, …, so neighbours read neighbouring words).
var<workgroup> tileA: array<vec4<f32>, ${(bk * wgY * tm) / 4}>;
var<workgroup> tileB: array<f32, ${bk * wgX * tn}>;

fn ldA(batch: u32, row: u32, k: u32) -> f32 {
  if (row < u.M && k < u.K) { return loadA(batch, row, k); }
  return 0.0;
}
fn ldB(batch: u32, k: u32, col: u32) -> f32 {
  if (k < u.K && col < u.N) { return loadB(batch, k, col); }
  return 0.0;
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let batch = wid.z + u.batch0;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
${declareAccumulators(tile)}
  for (var k0 = 0u; k0 < u.K; k0 = k0 + BK) {
${stageA(tile, src.aAlongM ?? 'false')}
${stageB(tile, src.bAlongN ?? 'true')}
    workgroupBarrier();
${compute(tile)}
    workgroupBarrier();
  }
${storeAll(tile)}
}
`;
}

/**
 * Dispatches a GEMM program over `batch` batches, split into several dispatches when the batch
 * count exceeds the per-dimension workgroup limit (param batch0 = first batch of each).
 */
export function runGemm(ctx: GpuContext, program: GemmProgram, m: number, n: number, batch: number, tile: GemmTile): void {
  const perDispatch = ctx.limits.maxComputeWorkgroupsPerDimension;
  for (let batch0 = 0; batch0 < batch; batch0 += perDispatch) {
    ctx.run({
      ...program,
      params: { ...program.params, batch0: ['u32', batch0] },
      workgroups: [Math.ceil(n / tileCols(tile)), Math.ceil(m / tileRows(tile)), Math.min(perDispatch, batch - batch0)],
    });
  }
}

export type GemmProgram = Omit<Program, 'workgroups' | 'params'> & { params: Readonly<Record<string, Param>> };

/** Throws before anything is allocated when an M×N GEMM cannot be dispatched on this adapter. */
export function checkGemm(ctx: GpuContext, label: string, m: number, n: number, tile: GemmTile, shape: Shape): void {
  const max = ctx.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.ceil(n / tileCols(tile));
  const y = Math.ceil(m / tileRows(tile));
  if (x > max) throw new KernelLimitError(label, 'maxComputeWorkgroupsPerDimension (x)', x, max, shape);
  if (y > max) throw new KernelLimitError(label, 'maxComputeWorkgroupsPerDimension (y)', y, max, shape);
}
