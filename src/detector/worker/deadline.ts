/**
 * Deadlines for WebGPU work. A GPU can stop answering without telling anyone: a run whose outputs are never mapped
 * back, a device lost with no `lost` report, a warm-up that never ends. ORT has no timeout of its own, so each
 * WebGPU start-up and each run is raced against one here; past it, the runtime gives WebGPU up and goes on on
 * WebAssembly (runtime.ts).
 *
 * Runs differ a thousandfold between a real GPU (milliseconds) and a software one (SwiftShader: seconds per view),
 * so a run's deadline scales with what this device was last measured to take per view (the warm-up's to begin
 * with, shader compilation included, so the first deadline is the most generous), with a floor.
 */

export interface WebGpuLimits {
  /** Creating both WebGPU sessions and the warm-up run, together. */
  startMs: number;
  /** No run's deadline is shorter than this. */
  runMinMs: number;
  /** A run may take this many times the last completed run's time per view, times its own views. */
  runFactor: number;
}

export const WEBGPU_LIMITS: Readonly<WebGpuLimits> = { startMs: 60_000, runMinMs: 30_000, runFactor: 10 };

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** `work`, or a DeadlineError(message) once `ms` have passed without it settling (the timer is always cleared). */
export async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long the next WebGPU run may take, from the last completed one. */
export class RunClock {
  #msPerView: number;

  /** `firstMs` over `firstViews`: the warm-up (both graphs on one whole view and one crop). */
  constructor(
    readonly limits: Readonly<WebGpuLimits>,
    firstMs: number,
    firstViews: number,
  ) {
    this.#msPerView = firstMs / Math.max(1, firstViews);
  }

  /** The deadline of a run of `views` tensors (whole views plus crops). */
  deadlineMs(views: number): number {
    return Math.max(this.limits.runMinMs, Math.ceil(this.limits.runFactor * this.#msPerView * Math.max(1, views)));
  }

  /** A completed run: its time per view sets the next deadline. */
  record(ms: number, views: number): void {
    this.#msPerView = ms / Math.max(1, views);
  }
}

/** Seconds as a person would write them: "60 s", "2.5 s". */
export const seconds = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;
