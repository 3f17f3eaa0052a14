/**
 * The WebGPU deadlines (src/detector/worker/deadline.ts): a run or a warm-up that never settles is given up at its
 * deadline, and a run's deadline scales with the device's last measured time per view, with a floor. The fallback
 * they lead to is tested in the browser (tests/e2e/faults.test.ts: webgpu-warmup-hangs, webgpu-silent-loss).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineError, RunClock, WEBGPU_LIMITS, withDeadline } from '../../src/detector/worker/deadline';

afterEach(() => {
  vi.useRealTimers();
});

describe('withDeadline', () => {
  it('gives up work that never settles at its deadline, with the reason', async () => {
    vi.useFakeTimers();
    const never = new Promise<number>(() => undefined);
    const raced = withDeadline(never, 5000, 'the warm-up did not finish within 5 s');
    const outcome = raced.then(() => 'settled', (error: unknown) => error);
    await vi.advanceTimersByTimeAsync(4999);
    expect(await Promise.race([outcome, Promise.resolve('pending')])).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe('the warm-up did not finish within 5 s');
  });

  it('passes on what settles in time, either way, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withDeadline(Promise.resolve(42), 1000, 'late')).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error('device lost')), 1000, 'late')).rejects.toThrow('device lost');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('RunClock', () => {
  it('starts from the warm-up, then follows the last run, never under the floor', () => {
    // SwiftShader-like: a 5 s warm-up over 2 views.
    const clock = new RunClock(WEBGPU_LIMITS, 5000, 2);
    expect(clock.deadlineMs(16)).toBe(10 * 2500 * 16);
    clock.record(16_000, 16); // 1 s per view
    expect(clock.deadlineMs(96)).toBe(10 * 1000 * 96);
    // A real GPU: milliseconds per view; the floor holds.
    clock.record(80, 16);
    expect(clock.deadlineMs(96)).toBe(WEBGPU_LIMITS.runMinMs);
    expect(WEBGPU_LIMITS).toEqual({ startMs: 60_000, runMinMs: 30_000, runFactor: 10 });
  });
});
