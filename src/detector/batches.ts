/**
 * The one batch loop of the worker and the Node CLI: inputs go into a ViewBatchBuilder one at a time, each one
 * prepared (decoded, written into the batch) on its own, so a bad input fails alone and memory stays that of one
 * batch; each filled batch is handed over, with every input's slot, before the builder is reused for the next.
 */
import type { PictureRows, ViewBatch, ViewBatchBuilder } from './views';

/** One input of a batch: where `prepare` put it and what it returned, or why it failed. */
export type Slot<T> = { ok: true; rows: PictureRows; value: T } | { ok: false; error: unknown };

export interface FilledBatch<I, T> {
  inputs: I[];
  slots: Slot<T>[];
  /** The batch to run, or null when no input of this chunk could be prepared. */
  batch: ViewBatch | null;
}

/** `prepare` adds one input to `builder` (builder.add) and returns its rows; it may throw for that input alone. */
export async function* fillBatches<I, T>(
  inputs: readonly I[],
  builder: ViewBatchBuilder,
  prepare: (input: I) => Promise<{ rows: PictureRows; value: T }>,
): AsyncGenerator<FilledBatch<I, T>> {
  for (let start = 0; start < inputs.length; start += builder.capacity) {
    const chunk = inputs.slice(start, start + builder.capacity);
    builder.reset();
    const slots: Slot<T>[] = [];
    for (const input of chunk) {
      try {
        slots.push({ ok: true, ...(await prepare(input)) });
      } catch (error) {
        slots.push({ ok: false, error });
      }
    }
    yield { inputs: chunk, slots, batch: builder.count > 0 ? builder.batch : null };
  }
}
