// The training graph's view of a compute backend. The UNet, the text encoder, LoRA and the
// predictor MLP are written once against TrainOps<T>; two backends run them: our WGSL kernels
// (gpu-backend.ts, the real path) and the kernels' float64 CPU references under a small CPU tape
// (cpu-backend.ts: Node tests, and training where WebGPU is missing). Both record gradients only
// for tensors that need one: frozen base weights cost no gradient buffers.

export type Shape = readonly number[];

/** Float32 from the GPU; float64 from the CPU backend (kept exact through checkpoints). */
export type HostArray = Float32Array | Float64Array;

export interface ConvOptions {
  stride?: number;
  padding?: number;
}

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
}

/** The ops a forward pass may use. Every tensor made here lives until the step scope ends. */
export interface TrainOps<T> {
  shape(t: T): Shape;
  /** Data with no gradient (inputs, noise, masks), released with the step. */
  constant(data: ArrayLike<number>, shape: Shape): T;
  /** y = x · Wᵀ + b, W [out, in] (torch's nn.Linear layout). */
  linear(x: T, weight: T, bias?: T | null): T;
  matmul(a: T, b: T, options?: MatmulOptions): T;
  /** NCHW input, OIHW weight. */
  conv2d(x: T, weight: T, bias: T | null, options?: ConvOptions): T;
  groupNorm(x: T, groups: number, gamma: T, beta: T, eps: number): T;
  layerNorm(x: T, gamma: T, beta: T, eps: number): T;
  /** softmax(scale · q kᵀ [+ causal mask]) v over leading batch axes. */
  attention(q: T, k: T, v: T, options?: { scale?: number; causal?: boolean }): T;
  gelu(x: T): T;
  silu(x: T): T;
  sigmoid(x: T): T;
  relu(x: T): T;
  /** [..., 2D] → first half · gelu(second half). */
  geglu(x: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** alpha · x + beta. */
  scale(x: T, alpha: number, beta?: number): T;
  reshape(x: T, shape: Shape): T;
  permute(x: T, perm: readonly number[]): T;
  /** Nearest upsampling of the last two axes by an integer factor. */
  upsampleNearest(x: T, factor: number): T;
  /** [B, C1, ...] ++ [B, C2, ...] along axis 1. */
  concatChannels(a: T, b: T): T;
  /** mean((a - b)²) as a scalar. */
  mse(a: T, b: T): T;
}

/** One training step's tensors and tape. */
export interface StepScope<T> {
  readonly ops: TrainOps<T>;
  /** Back-propagates a scalar; trainable parameters then hold their gradient (see gradOf). */
  backward(loss: T): void;
  /** Scales every gradient in place so their joint 2-norm is at most maxNorm; returns a handle on [norm, coef]. */
  clipGradNorm(params: readonly T[], maxNorm: number): T;
  /** Reads small results (the loss, the clip report) once the step's work is queued. */
  read(t: T): Promise<HostArray>;
  /** Releases everything the step made, gradients included. */
  end(): void;
}

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** AdamW over parameter groups with their own learning rates (nataili: UNet and text encoder). */
export interface Optimizer<T> {
  readonly groups: readonly (readonly T[])[];
  /** Steps taken. */
  readonly t: number;
  /** One step of every group, at these learning rates (one per group). */
  step(lrs: readonly number[]): void;
  /** Moments of every parameter, group by group, for a checkpoint. */
  save(): Promise<OptimizerState>;
  load(state: OptimizerState): void;
  dispose(): void;
}

export interface OptimizerState {
  t: number;
  /** First and second moments per parameter, in group order. */
  m: HostArray[];
  v: HostArray[];
}

export interface TrainBackend<T> {
  readonly kind: 'webgpu' | 'cpu';
  /** A persistent tensor: a base weight (frozen) or a trainable parameter. */
  parameter(data: ArrayLike<number>, shape: Shape, options?: { trainable?: boolean; label?: string }): T;
  read(t: T): Promise<HostArray>;
  /** Overwrites a parameter's values (checkpoint restore). */
  write(t: T, data: ArrayLike<number>): void;
  shape(t: T): Shape;
  release(t: T): void;
  beginStep(): StepScope<T>;
  adamw(groups: readonly (readonly T[])[], settings: AdamWSettings): Optimizer<T>;
  /** Waits for queued work (timing). */
  sync(): Promise<void>;
  destroy(): void;
}

export const numel = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
