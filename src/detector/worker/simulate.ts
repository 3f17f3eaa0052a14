/// <reference lib="webworker" />
/**
 * Simulated faults, for the end-to-end tests and for anyone who wants to see the fallbacks work (the page's
 * `?simulate=` option). They break WebGPU where a real fault would (no adapter, a device that cannot be made, a
 * warm-up that never ends, a device lost after the first batch with or without a report, a run that never ends),
 * or make the canvas lie as anti-fingerprinting does (read-back noise), so the production code paths under test
 * are the real ones.
 */
import { addReadbackNoise } from '../readback-noise';
import type { WebGpuLimits } from './deadline';

export type SimulatedFault =
  | 'no-webgpu-adapter'
  | 'webgpu-session-fails'
  | 'webgpu-warmup-hangs'
  | 'webgpu-device-lost'
  | 'webgpu-run-hangs'
  | 'webgpu-silent-loss'
  | 'canvas-noise';

export const SIMULATED_FAULTS: readonly SimulatedFault[] = [
  'no-webgpu-adapter',
  'webgpu-session-fails',
  'webgpu-warmup-hangs',
  'webgpu-device-lost',
  'webgpu-run-hangs',
  'webgpu-silent-loss',
  'canvas-noise',
];

/** The faults that strike after the first scored batch (the worker calls afterFirstBatch then). */
const AFTER_FIRST_BATCH: readonly SimulatedFault[] = ['webgpu-device-lost', 'webgpu-run-hangs', 'webgpu-silent-loss'];

export function strikesAfterFirstBatch(fault: SimulatedFault | undefined): fault is SimulatedFault {
  return fault !== undefined && AFTER_FIRST_BATCH.includes(fault);
}

/**
 * Deadlines short enough for a test to wait out (the production ones are a minute: deadline.ts). The warm-up's
 * leaves SwiftShader's session creation room; the run's scale from the last run's time per view as ever, by 3
 * instead of 10, so the first (real) batch passes and the hung one is given up within seconds.
 */
export function simulatedLimits(fault: SimulatedFault | undefined): Partial<WebGpuLimits> | undefined {
  if (fault === 'webgpu-warmup-hangs') return { startMs: 8_000 };
  if (fault === 'webgpu-silent-loss') return { runMinMs: 2_000, runFactor: 3 };
  return undefined;
}

interface PatchableGpu {
  requestAdapter(...args: unknown[]): Promise<{ requestDevice(...args: unknown[]): Promise<unknown> } | null>;
}

/** Patches this worker's navigator.gpu (or GPU reads, or canvas read-back) before anything looks at it. */
export function installSimulatedFault(fault: SimulatedFault | undefined): void {
  if (fault === 'canvas-noise') return addCanvasNoise();
  const gpu = (navigator as Navigator & { gpu?: PatchableGpu }).gpu;
  if (!fault || !gpu) return;
  if (fault === 'no-webgpu-adapter') {
    gpu.requestAdapter = async () => null;
  } else if (fault === 'webgpu-session-fails') {
    const requestAdapter = gpu.requestAdapter.bind(gpu);
    gpu.requestAdapter = async (...args) => {
      const adapter = await requestAdapter(...args);
      if (adapter) adapter.requestDevice = async () => Promise.reject(new DOMException('simulated: requestDevice failed', 'OperationError'));
      return adapter;
    };
  } else if (fault === 'webgpu-warmup-hangs') {
    // Creating the sessions reads nothing back; the warm-up run is the first to wait for its outputs.
    hangGpuReads();
  }
}

/** What the runtime must offer the after-first-batch faults. */
export interface FaultTarget {
  loseDevice(): Promise<void>;
}

/** Strikes an after-first-batch fault, between the first scored batch and the next. */
export async function afterFirstBatch(fault: SimulatedFault, runtime: FaultTarget): Promise<void> {
  if (fault === 'webgpu-device-lost') {
    // Destroyed as a driver reset would; the loss is reported.
    await runtime.loseDevice();
  } else if (fault === 'webgpu-run-hangs') {
    // The next batch's WebGPU run starts and never ends; the device is lost a second into it.
    hangGpuReads();
    setTimeout(() => void runtime.loseDevice(), 1000);
  } else if (fault === 'webgpu-silent-loss') {
    // The next run never ends and nothing is ever reported: only its deadline can tell.
    hangGpuReads();
  }
}

/**
 * From now on no GPU buffer is ever mapped for reading: the next ORT WebGPU run waits for its outputs forever, as a
 * run on a lost device may. The run is a real one, so ORT's JSEP build stays busy with it.
 */
export function hangGpuReads(): void {
  const buffer = (self as unknown as { GPUBuffer?: { prototype: { mapAsync: (...args: unknown[]) => Promise<void> } } }).GPUBuffer;
  if (buffer) buffer.prototype.mapAsync = () => new Promise<void>(() => undefined);
}

/**
 * Every canvas read-back (getImageData) in this worker gets anti-fingerprinting noise: +/-1 on the colour channels
 * of 10% of pixels (readback-noise.ts), different on every read, as Brave's farbling and private modes do.
 */
function addCanvasNoise(): void {
  const context = (self as unknown as { OffscreenCanvasRenderingContext2D?: { prototype: { getImageData: (...args: never[]) => ImageData } } }).OffscreenCanvasRenderingContext2D;
  if (!context) return;
  const getImageData = context.prototype.getImageData;
  context.prototype.getImageData = function (this: unknown, ...args: never[]) {
    const image = getImageData.apply(this, args);
    addReadbackNoise(image.data, Math.random);
    return image;
  };
}
