/** The one batch loop of the worker and the Node CLI (src/detector/batches.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillBatches } from '../../src/detector/batches';
import { parseManifest } from '../../src/detector/manifest';
import type { RgbaImage } from '../../src/detector/preprocess';
import { ViewBatchBuilder } from '../../src/detector/views';

const manifest = parseManifest(JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../public/models/manifest.json'), 'utf8')));
const picture = (value: number): RgbaImage => ({ width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4).fill(value) });

describe('fillBatches', () => {
  it('fills one builder chunk by chunk; a failing input fails alone; a chunk with none prepared has no batch', async () => {
    const builder = new ViewBatchBuilder(manifest, 2);
    const inputs = [10, 20, -1, 40, -1, -1, 70];
    const events: string[] = [];
    const seen: Array<{ inputs: number[]; slots: string[]; count: number | null; buffer: ArrayBufferLike | null }> = [];
    const prepare = async (value: number) => {
      events.push(`prepare ${value}`);
      if (value < 0) throw new Error(`bad ${value}`);
      return { rows: builder.add(picture(value)), value: value * 2 };
    };
    for await (const { inputs: chunk, slots, batch } of fillBatches(inputs, builder, prepare)) {
      events.push('run');
      seen.push({
        inputs: chunk,
        slots: slots.map((slot) => (slot.ok ? `row ${slot.rows.row}: ${slot.value}` : String((slot.error as Error).message))),
        count: batch?.count ?? null,
        buffer: batch?.whole.buffer ?? null,
      });
    }
    expect(seen.map(({ buffer: _, ...rest }) => rest)).toEqual([
      { inputs: [10, 20], slots: ['row 0: 20', 'row 1: 40'], count: 2 },
      { inputs: [-1, 40], slots: ['bad -1', 'row 0: 80'], count: 1 },
      { inputs: [-1, -1], slots: ['bad -1', 'bad -1'], count: null },
      { inputs: [70], slots: ['row 0: 140'], count: 1 },
    ]);
    // Each chunk is run before the next is prepared, in the same memory: one batch at a time.
    expect(events).toEqual(['prepare 10', 'prepare 20', 'run', 'prepare -1', 'prepare 40', 'run', 'prepare -1', 'prepare -1', 'run', 'prepare 70', 'run']);
    const buffers = seen.map((chunk) => chunk.buffer).filter(Boolean);
    expect(new Set(buffers).size).toBe(1);
  });

  it('yields nothing for no inputs', async () => {
    const chunks = [];
    for await (const chunk of fillBatches([], new ViewBatchBuilder(manifest, 4), async () => ({ rows: { row: 0, cropStart: 0, regions: [] }, value: 0 }))) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});
