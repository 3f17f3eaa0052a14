/// <reference lib="webworker" />
/**
 * Simulated WebGPU faults, for the end-to-end tests and for anyone who wants to see the fallbacks work (the page's
 * `?simulate=` option). They break WebGPU where a real fault would (no adapter, a device that cannot be made, a
 * device lost after the first batch), so the production code paths under test are the real ones.
 */
export type SimulatedFault = 'no-webgpu-adapter' | 'webgpu-session-fails' | 'webgpu-device-lost';

export const SIMULATED_FAULTS: readonly SimulatedFault[] = ['no-webgpu-adapter', 'webgpu-session-fails', 'webgpu-device-lost'];

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
  // 'webgpu-device-lost' is triggered by the worker after the first scored batch (OrtRuntime.loseDevice).
}
