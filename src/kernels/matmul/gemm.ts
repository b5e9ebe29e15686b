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
}

export function tileRows(tile: GemmTile): number {
  return tile.wgY * tile.tm;
}

export function tileCols(tile: GemmTile): number {
  return tile.wgX * tile.tn;
}

/** The WGSL body; the header must declare params M, N, K and batch0 (see runGemm). */
export function gemmBody(src: GemmSource, tile: GemmTile = defaultTile): string {
  const { wgX, wgY, tm, tn, bk } = tile;
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
const THREADS: u32 = WGX * WGY;

// Both tiles are stored k-major as vec4s: the inner loop reads TM/4 (TN/4) vectors per k, and
// accumulates with scalar × vec4 FMAs. On a CPU adapter (SwiftShader) this halves the time
// against scalar reads, which become per-lane gathers.
var<workgroup> tileA: array<vec4<f32>, ${(bk * wgY * tm) / 4}>;
var<workgroup> tileB: array<vec4<f32>, ${(bk * wgX * tn) / 4}>;

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let batch = wid.z + u.batch0;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  var acc: array<vec4<f32>, ${(tm * tn) / 4}>;
  for (var k0 = 0u; k0 < u.K; k0 = k0 + BK) {
    // Each invocation stages whole vec4s: four consecutive rows (A) or columns (B) at one k.
    for (var e = li; e < BM * BK / 4u; e = e + THREADS) {
      let m = (e % (BM / 4u)) * 4u;
      let k = e / (BM / 4u);
      var v = vec4<f32>(0.0);
      if (k0 + k < u.K) {
        for (var q = 0u; q < 4u; q = q + 1u) {
          if (row0 + m + q < u.M) { v[q] = loadA(batch, row0 + m + q, k0 + k); }
        }
      }
      tileA[e] = v;
    }
    for (var e = li; e < BN * BK / 4u; e = e + THREADS) {
      let n = (e % (BN / 4u)) * 4u;
      let k = e / (BN / 4u);
      var v = vec4<f32>(0.0);
      if (k0 + k < u.K) {
        for (var q = 0u; q < 4u; q = q + 1u) {
          if (col0 + n + q < u.N) { v[q] = loadB(batch, k0 + k, col0 + n + q); }
        }
      }
      tileB[e] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k = k + 1u) {
      for (var i4 = 0u; i4 < TM / 4u; i4 = i4 + 1u) {
        let a = tileA[k * (BM / 4u) + lid.y * (TM / 4u) + i4];
        for (var j4 = 0u; j4 < TN / 4u; j4 = j4 + 1u) {
          let b = tileB[k * (BN / 4u) + lid.x * (TN / 4u) + j4];
          for (var q = 0u; q < 4u; q = q + 1u) {
            let slot = (i4 * 4u + q) * (TN / 4u) + j4;
            acc[slot] = fma(vec4<f32>(a[q]), b, acc[slot]);
          }
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < TM; i = i + 1u) {
    let row = row0 + lid.y * TM + i;
    for (var j = 0u; j < TN; j = j + 1u) {
      let col = col0 + lid.x * TN + j;
      if (row < u.M && col < u.N) { store(batch, row, col, acc[i * (TN / 4u) + j / 4u][j % 4u]); }
    }
  }
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
