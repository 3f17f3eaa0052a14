/// <reference lib="webworker" />
/**
 * Simulated WebGPU faults, for the end-to-end tests and for anyone who wants to see the fallbacks work (the page's
 * `?simulate=` option). They break WebGPU where a real fault would (no adapter, a device that cannot be made, a
 * device lost after the first batch, a run that never ends when the device is lost under it), so the production code
 * paths under test are the real ones.
 */
export type SimulatedFault = 'no-webgpu-adapter' | 'webgpu-session-fails' | 'webgpu-device-lost' | 'webgpu-run-hangs';

export const SIMULATED_FAULTS: readonly SimulatedFault[] = ['no-webgpu-adapter', 'webgpu-session-fails', 'webgpu-device-lost', 'webgpu-run-hangs'];

interface PatchableGpu {
  requestAdapter(...args: unknown[]): Promise<{ requestDevice(...args: unknown[]): Promise<unknown> } | null>;
}

/** Patches this worker's navigator.gpu before the runtime looks at it. */
export function installSimulatedFault(fault: SimulatedFault | undefined): void {
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
  }
  // 'webgpu-device-lost' and 'webgpu-run-hangs' are triggered by the worker after the first scored batch.
}

/**
 * From now on no GPU buffer is ever mapped for reading: the next ORT WebGPU run waits for its outputs forever, as a
 * run on a lost device may. The run is a real one, so ORT's JSEP build stays busy with it ('webgpu-run-hangs').
 */
export function hangGpuReads(): void {
  const buffer = (self as unknown as { GPUBuffer?: { prototype: { mapAsync: (...args: unknown[]) => Promise<void> } } }).GPUBuffer;
  if (buffer) buffer.prototype.mapAsync = () => new Promise<void>(() => undefined);
}
