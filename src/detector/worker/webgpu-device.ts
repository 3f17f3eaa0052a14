/**
 * WebGPU's adapter and device, as the runtime sees them: whether there is an adapter at all (and which), and the
 * loss of ORT's device (driver reset, GPU removed, tab in the background too long), which ORT does not watch for
 * and after which a run may never end.
 */
import type { Ort } from './ort-builds';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  isFallbackAdapter: boolean;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** The part of a GPUDevice the runtime uses (no WebGPU type package needed). */
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

/** The WebGPU adapter's description, or why WebGPU cannot be used here. */
export async function findWebGpuAdapter(): Promise<{ adapter: AdapterInfo } | { unavailable: string }> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() returned no adapter' };
    return {
      adapter: {
        vendor: adapter.info?.vendor ?? '',
        architecture: adapter.info?.architecture ?? '',
        isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      },
    };
  } catch (error) {
    return { unavailable: `navigator.gpu.requestAdapter() failed: ${String(error)}` };
  }
}

/** Watches the loss of the WebGPU device of one ORT (JSEP) build. */
export class DeviceWatch {
  readonly #device: GpuDeviceLike;
  /** Rejects when the device is lost. */
  readonly lost: Promise<never>;
  /** Why the device was lost, once it was. */
  lostReason: string | null = null;

  private constructor(device: GpuDeviceLike) {
    this.#device = device;
    this.lost = device.lost.then((info) => {
      this.lostReason = `the WebGPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`;
      throw new Error(this.lostReason);
    });
    this.lost.catch(() => undefined);
  }

  /** Starts listening for the loss of `ort`'s WebGPU device; null when the build has none. */
  static async start(ort: Ort): Promise<DeviceWatch | null> {
    const device = (await (ort.env.webgpu.device as unknown as Promise<GpuDeviceLike | undefined>)) ?? null;
    return device ? new DeviceWatch(device) : null;
  }

  /** Destroys the device as a driver reset would, and waits until the loss is reported. */
  async destroy(): Promise<void> {
    this.#device.destroy();
    await this.lost.catch(() => undefined);
  }
}
