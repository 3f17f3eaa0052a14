/** Node scoring of image files with the shipped models: decode (sharp) -> shared preprocessing -> ORT -> shared scoring. */
import type { RgbaImage } from '../detector/preprocess';
import type { Judgement } from '../detector/scoring';
import { judge } from '../detector/scoring';
import { fillBatches } from '../detector/batches';
import type { RawBatchScores } from '../detector/model-run';
import { pictureRaw } from '../detector/picture-raw';
import type { PictureRows } from '../detector/views';
import { ViewBatchBuilder } from '../detector/views';
import { decodeImage } from './decode';
import type { NodeBackend, NodeModels } from './ort-node';
import { loadNodeModels } from './ort-node';

/** An error as one line: libvips repeats a decoder warning once per scanline pass, so each distinct line once. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))].join('; ');
}

export type FileOutcome = { file: string; ok: true; judgement: Judgement } | { file: string; ok: false; error: string };

export interface NodeDetector {
  models: NodeModels;
  threshold: number;
  /** Scores decoded images in batches; returns one judgement per image, in order. */
  scoreImages(images: RgbaImage[], batchSize?: number): Promise<Judgement[]>;
  scoreFile(file: string | Uint8Array): Promise<Judgement>;
  /**
   * Scores files in batches, decoding one at a time straight into the batch tensor, so memory stays flat for
   * any number of files of any size. A file that cannot be read gets an error outcome; the others go on.
   */
  scoreFiles(files: readonly string[], options?: { batchSize?: number; onProgress?: (done: number, total: number, outcome: FileOutcome) => void }): Promise<FileOutcome[]>;
  dispose(): Promise<void>;
}

export async function createNodeDetector(options: { modelsDir?: string; backend?: NodeBackend; threshold?: number } = {}): Promise<NodeDetector> {
  const models = await loadNodeModels(options);
  const { manifest } = models;
  const judgeRows = (raw: RawBatchScores, rows: PictureRows, threshold: number): Judgement => {
    const picture = pictureRaw(raw, rows, manifest.input.crops);
    return judge(picture.raw, manifest, threshold, picture.traceRaw, picture.crops);
  };
  const detector: NodeDetector = {
    models,
    threshold: options.threshold ?? manifest.thresholds.default,
    async scoreImages(images, batchSize = 64) {
      const judgements: Judgement[] = [];
      const builder = new ViewBatchBuilder(manifest, batchSize);
      for await (const { slots, batch } of fillBatches(images, builder, async (image) => ({ rows: builder.add(image), value: null }))) {
        const raw = await models.run(batch!);
        for (const slot of slots) {
          if (!slot.ok) throw slot.error;
          judgements.push(judgeRows(raw, slot.rows, detector.threshold));
        }
      }
      return judgements;
    },
    async scoreFile(file) {
      const [judgement] = await detector.scoreImages([await decodeImage(file)], 1);
      return judgement!;
    },
    async scoreFiles(files, { batchSize = 32, onProgress } = {}) {
      const outcomes: FileOutcome[] = [];
      const builder = new ViewBatchBuilder(manifest, batchSize);
      // Each file is decoded straight into the batch, one at a time.
      for await (const { inputs, slots, batch } of fillBatches(files, builder, async (file) => ({ rows: builder.add(await decodeImage(file)), value: null }))) {
        const raw = batch ? await models.run(batch) : null;
        inputs.forEach((file, i) => {
          const slot = slots[i]!;
          const outcome: FileOutcome = slot.ok ? { file, ok: true, judgement: judgeRows(raw!, slot.rows, detector.threshold) } : { file, ok: false, error: oneLine(slot.error) };
          outcomes.push(outcome);
          onProgress?.(outcomes.length, files.length, outcome);
        });
      }
      return outcomes;
    },
    dispose: () => models.dispose(),
  };
  return detector;
}
