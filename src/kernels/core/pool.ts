// Buffers by size class. Training allocates the same shapes every step; reusing their buffers
// avoids createBuffer/destroy churn (and the allocator stalls it brings) after the first step.
//
// Classes are a quarter-octave apart (x, 1.25x, 1.5x, 1.75x of a power of two), so a buffer
// wastes at most 25% over the request instead of the 100% of plain power-of-two classes.

const minBytes = 16;

/** The byte size a request of `bytes` is rounded up to. */
export function sizeClass(bytes: number): number {
  if (bytes <= minBytes) return minBytes;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 4;
  const rounded = Math.ceil(bytes / step) * step;
  // Keep a multiple of 16: copies and clears need 4, uniform bindings 16.
  return Math.ceil(rounded / 16) * 16;
}

export interface PoolStats {
  /** Buffers created since the pool began. */
  created: number;
  /** Requests served by a buffer that was released earlier. */
  reused: number;
  /** Buffers in use now, and their bytes. */
  live: number;
  liveBytes: number;
  /** Buffers parked for reuse, and their bytes. */
  idle: number;
  idleBytes: number;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly sizes = new Map<GPUBuffer, string>();
  private stats: PoolStats = { created: 0, reused: 0, live: 0, liveBytes: 0, idle: 0, idleBytes: 0 };

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    const size = sizeClass(bytes);
    const key = `${usage}:${size}`;
    const parked = this.free.get(key)?.pop();
    if (parked) {
      this.stats.reused++;
      this.stats.idle--;
      this.stats.idleBytes -= size;
    } else {
      this.stats.created++;
    }
    const buffer = parked ?? this.device.createBuffer({ size, usage, ...(label ? { label } : {}) });
    this.sizes.set(buffer, key);
    this.stats.live++;
    this.stats.liveBytes += size;
    return buffer;
  }

  /** Parks a buffer for reuse. The caller guarantees no pending command still reads it. */
  release(buffer: GPUBuffer): void {
    const key = this.sizes.get(buffer);
    if (key === undefined) return;
    this.sizes.delete(buffer);
    const list = this.free.get(key) ?? [];
    list.push(buffer);
    this.free.set(key, list);
    this.stats.live--;
    this.stats.liveBytes -= buffer.size;
    this.stats.idle++;
    this.stats.idleBytes += buffer.size;
  }

  /** Destroys parked buffers (memory pressure, end of training). Live buffers stay. */
  trim(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.stats.idle = 0;
    this.stats.idleBytes = 0;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}
