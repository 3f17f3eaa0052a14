/// <reference types="vite-plugin-pwa/vanillajs" />

/**
 * Whether this build carries the simulated WebGPU faults (`?simulate=`, src/detector/worker/simulate.ts): true on
 * the dev server and in builds made with DETECTOR_FAULT_HOOKS=1 (the end-to-end fault tests), false in `npm run
 * build`, where the code behind it is dropped (vite.config.ts, faultHooks).
 */
declare const __FAULT_HOOKS__: boolean;
