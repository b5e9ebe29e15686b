// One GPUDevice and everything kernels share on it: compiled pipelines (by shader, entry and
// constants), pooled buffers, a pending command encoder, uploads and readbacks, limit checks.
//
// Dispatches are recorded into one encoder and submitted together (on readback, or every
// `maxPending` dispatches). A buffer released while commands are pending is parked only after
// they are submitted: queue.writeBuffer runs before a not-yet-submitted encoder, so reusing it
// earlier could overwrite data a recorded dispatch has still to read.

import { BackendUnavailableError, NatailiError } from '../../shared/errors.ts';
import { KernelLimitError } from './errors.ts';
import { BufferPool, type PoolStats } from './pool.ts';
import { packParams, programHeader, type Binding, type Program } from './program.ts';
import { checkShape, numel, type Shape } from './shape.ts';
import { Tensor } from './tensor.ts';

// GPUBufferUsage is a browser global; reading it lazily keeps this module importable in Node.
const storageUsage = (): number => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const uniformUsage = (): number => GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;

export interface ContextStats {
  pipelines: number;
  pipelineHits: number;
  dispatches: number;
  pool: PoolStats;
}

export class GpuContext {
  readonly pool: BufferPool;
  readonly limits: GPUSupportedLimits;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private pipelineHits = 0;
  private dispatches = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pending = 0;
  private readonly parked: GPUBuffer[] = [];
  private readonly errorChecks: Promise<GPUError | null>[] = [];
  private readonly uncaptured: string[] = [];
  /** Submit after this many recorded dispatches, so memory held by one encoder stays bounded. */
  maxPending = 256;

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.limits = device.limits;
    device.addEventListener('uncapturederror', (event) => {
      this.uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** A context on a new device with the adapter's largest buffer and workgroup limits. */
  static async create(adapter?: GPUAdapter): Promise<GpuContext> {
    const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
    const chosen = adapter ?? (await gpu?.requestAdapter());
    if (!chosen) throw new BackendUnavailableError('No WebGPU adapter: training kernels need WebGPU.');
    const wanted = [
      'maxBufferSize',
      'maxStorageBufferBindingSize',
      'maxComputeWorkgroupStorageSize',
      'maxComputeInvocationsPerWorkgroup',
      'maxComputeWorkgroupSizeX',
      'maxComputeWorkgroupSizeY',
      'maxStorageBuffersPerShaderStage',
    ] as const;
    const requiredLimits: Record<string, number> = {};
    for (const name of wanted) requiredLimits[name] = chosen.limits[name];
    return new GpuContext(await chosen.requestDevice({ requiredLimits }));
  }

  // ---- tensors -------------------------------------------------------------------------------

  /** An uninitialised tensor from the pool. */
  empty(shape: Shape, label = ''): Tensor {
    checkShape(shape, label || 'tensor');
    const bytes = numel(shape) * 4;
    const maxBinding = this.limits.maxStorageBufferBindingSize;
    if (bytes > maxBinding) throw new KernelLimitError(label || 'tensor', 'maxStorageBufferBindingSize (bytes)', bytes, maxBinding, shape);
    if (bytes > this.limits.maxBufferSize) throw new KernelLimitError(label || 'tensor', 'maxBufferSize (bytes)', bytes, this.limits.maxBufferSize, shape);
    const buffer = this.pool.acquire(bytes, storageUsage(), label || undefined);
    return new Tensor({ buffer, refs: 1 }, [...shape], false, label);
  }

  zeros(shape: Shape, label = ''): Tensor {
    const t = this.empty(shape, label);
    this.encode().clearBuffer(t.buffer, 0, t.buffer.size);
    return t;
  }

  upload(data: ArrayLike<number>, shape: Shape, options: { requiresGrad?: boolean; label?: string } = {}): Tensor {
    const t = this.empty(shape, options.label);
    t.requiresGrad = options.requiresGrad ?? false;
    this.write(t, data);
    return t;
  }

  /** Overwrites a tensor's data (after the commands recorded so far, which may still read it). */
  write(t: Tensor, data: ArrayLike<number>): void {
    if (data.length !== t.size) throw new NatailiError('invalid-input', `write: ${data.length} values for ${t.describe()}.`);
    this.flush();
    const array = data instanceof Float32Array ? data : Float32Array.from(data);
    this.device.queue.writeBuffer(t.buffer, 0, array.buffer, array.byteOffset, t.bytes);
  }

  /** Copies `t` into a new tensor (same shape). */
  clone(t: Tensor, label = t.label): Tensor {
    const out = this.empty(t.shape, label);
    this.encode().copyBufferToBuffer(t.buffer, 0, out.buffer, 0, t.bytes);
    return out;
  }

  release(...tensors: readonly (Tensor | null | undefined)[]): void {
    for (const t of tensors) if (t?.markReleased()) this.releaseBuffer(t.storage.buffer);
  }

  async read(t: Tensor): Promise<Float32Array> {
    const staging = this.device.createBuffer({ size: t.bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.encode().copyBufferToBuffer(t.buffer, 0, staging, 0, t.bytes);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      await this.checkErrors();
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }

  // ---- dispatch ------------------------------------------------------------------------------

  run(program: Program): void {
    const maxGroups = this.limits.maxComputeWorkgroupsPerDimension;
    program.workgroups.forEach((count, axis) => {
      if (count > maxGroups) {
        throw new KernelLimitError(program.label, `maxComputeWorkgroupsPerDimension (${'xyz'[axis]})`, count, maxGroups, program.shape ?? []);
      }
    });
    if (program.workgroups.some((count) => count === 0)) return;
    const pipeline = this.pipeline(program);
    const entries: GPUBindGroupEntry[] = [];
    let uniform: GPUBuffer | null = null;
    if (program.params && Object.keys(program.params).length > 0) {
      const data = packParams(program.params);
      uniform = this.pool.acquire(data.byteLength, uniformUsage());
      this.device.queue.writeBuffer(uniform, 0, data);
      entries.push({ binding: 0, resource: { buffer: uniform, size: data.byteLength } });
    }
    for (const binding of [...Object.values(program.inputs ?? {}), ...Object.values(program.outputs ?? {})]) {
      entries.push({ binding: entries.length, resource: bufferBinding(binding) });
    }
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.encode().beginComputePass({ label: program.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...program.workgroups);
    pass.end();
    if (uniform) this.releaseBuffer(uniform);
    this.dispatches++;
    if (++this.pending >= this.maxPending) this.flush();
  }

  /** Submits recorded commands, then parks buffers released meanwhile. */
  flush(): void {
    if (!this.encoder) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pending = 0;
    for (const buffer of this.parked.splice(0)) this.pool.release(buffer);
  }

  /** Resolves when the GPU has finished everything submitted so far; throws recorded GPU errors. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.checkErrors();
  }

  async checkErrors(): Promise<void> {
    const scoped = (await Promise.all(this.errorChecks.splice(0))).filter((e): e is GPUError => e !== null);
    const messages = [...scoped.map((e) => e.message), ...this.uncaptured.splice(0)];
    if (messages.length > 0) throw new NatailiError('internal', `WebGPU error in a kernel: ${messages[0]}`);
  }

  stats(): ContextStats {
    return { pipelines: this.pipelines.size, pipelineHits: this.pipelineHits, dispatches: this.dispatches, pool: this.pool.snapshot() };
  }

  destroy(): void {
    this.flush();
    this.pool.trim();
    this.pipelines.clear();
  }

  private encode(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private releaseBuffer(buffer: GPUBuffer): void {
    if (this.encoder) this.parked.push(buffer);
    else this.pool.release(buffer);
  }

  private pipeline(program: Program): GPUComputePipeline {
    const code = programHeader(program) + program.body;
    const entry = program.entry ?? 'main';
    const key = `${entry}|${JSON.stringify(program.constants ?? {})}|${code}`;
    const cached = this.pipelines.get(key);
    if (cached) {
      this.pipelineHits++;
      return cached;
    }
    // A shader that fails to compile is reported asynchronously; the scope ties it to this kernel.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: program.label, code });
    const pipeline = this.device.createComputePipeline({
      label: program.label,
      layout: 'auto',
      compute: { module, entryPoint: entry, ...(program.constants ? { constants: { ...program.constants } } : {}) },
    });
    this.errorChecks.push(this.device.popErrorScope());
    this.pipelines.set(key, pipeline);
    return pipeline;
  }
}

function bufferBinding(binding: Binding): GPUBufferBinding {
  const target = 'type' in binding && typeof binding.type === 'string' ? binding.buffer : binding;
  if (target instanceof Tensor) return { buffer: target.buffer, size: target.bytes };
  const raw = target as GPUBuffer;
  return { buffer: raw, size: raw.size };
}
