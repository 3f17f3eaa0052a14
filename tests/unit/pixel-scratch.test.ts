/**
 * The worker's reused pixel array (src/detector/worker/decode.ts PixelScratch): one array lent at a time, never to
 * two decodes at once, and giant pictures' arrays not kept.
 */
import { describe, expect, it } from 'vitest';
import { PixelScratch } from '../../src/detector/worker/decode';

describe('PixelScratch', () => {
  it('lends the array given back to the next decode that fits in it', () => {
    const scratch = new PixelScratch();
    const first = scratch.take(4000);
    first.fill(7);
    scratch.giveBack(first);
    const second = scratch.take(1000);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(1000);
    // A larger picture than the kept array gets a fresh one.
    expect(scratch.take(8000).buffer).not.toBe(first.buffer);
  });

  it('never lends one array twice: a second decode before the give-back gets its own', () => {
    const scratch = new PixelScratch();
    scratch.giveBack(new Uint8ClampedArray(4000));
    const a = scratch.take(4000);
    const b = scratch.take(4000);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('keeps the larger of two arrays given back, and none above KEEP_BYTES or after release', () => {
    const scratch = new PixelScratch();
    const small = new Uint8ClampedArray(100);
    const large = new Uint8ClampedArray(1000);
    scratch.giveBack(large);
    scratch.giveBack(small);
    expect(scratch.take(500).buffer).toBe(large.buffer);
    const giant = new Uint8ClampedArray(PixelScratch.KEEP_BYTES + 4);
    scratch.giveBack(giant);
    expect(scratch.take(8).buffer).not.toBe(giant.buffer);
    scratch.giveBack(large);
    scratch.release();
    expect(scratch.take(8).buffer).not.toBe(large.buffer);
  });
});
