/**
 * Falling back from WebGPU to WASM: the WASM sessions to fall back to, and how long a WebGPU run that a device
 * loss caught may take to end (whether it ended decides whether the JSEP build can still serve its own WASM EP).
 */
import type { ModelKey } from '../manifest';
import type { Ort, OrtBuild, OrtLoadOptions, Sessions } from './ort-builds';
import { createSessions, loadOrt } from './ort-builds';

/** How long a WebGPU run caught by a device loss may take to end before its ORT build is given up. */
export const HUNG_RUN_WAIT_MS = 10_000;

/** Whether `promise` settles (either way) within `ms` (0: whether it has settled already). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * WASM sessions, at start-up or after WebGPU was given up: on the JSEP build's own WASM EP when `jsep` is given
 * (its .wasm is loaded already), else, or when that fails, on the plain WASM build (a module of its own; its .wasm
 * is downloaded then, once). Pass no `jsep` when WebGPU work on it never ended: ORT runs one session at a time per
 * loaded build, so every later run there would fail with "Session already started".
 */
export async function wasmSessions(jsep: Ort | undefined, modelBytes: Record<ModelKey, Uint8Array>, options: OrtLoadOptions): Promise<{ ort: Ort; build: OrtBuild; sessions: Sessions }> {
  if (jsep) {
    try {
      return { ort: jsep, build: 'jsep', sessions: await createSessions(jsep, modelBytes, 'wasm') };
    } catch {
      // A JSEP build that failed to start cannot serve its WASM EP either: the plain build then.
    }
  }
  const ort = await loadOrt('wasm', options);
  return { ort, build: 'wasm', sessions: await createSessions(ort, modelBytes, 'wasm') };
}
