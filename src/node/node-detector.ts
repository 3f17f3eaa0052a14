/** Node scoring of image files with the shipped models: decode (sharp) -> shared preprocessing -> ORT -> shared scoring. */
import { inputSize } from '../detector/manifest';
import type { RgbaImage } from '../detector/preprocess';
import { imageToTensor } from '../detector/preprocess';
import type { Judgement } from '../detector/scoring';
import { judge } from '../detector/scoring';
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
  const size = inputSize(manifest);
  const perImage = 3 * size * size;
  const detector: NodeDetector = {
    models,
    threshold: options.threshold ?? manifest.thresholds.default,
    async scoreImages(images, batchSize = 64) {
      const judgements: Judgement[] = [];
      const batch = new Float32Array(batchSize * perImage);
      for (let start = 0; start < images.length; start += batchSize) {
        const chunk = images.slice(start, start + batchSize);
        chunk.forEach((image, i) => imageToTensor(image, manifest.input, batch, i * perImage));
        const raw = await models.run(batch, chunk.length);
        chunk.forEach((_, i) => {
          judgements.push(judge({ svdd: raw.svdd[i]!, autoencoder: raw.autoencoder[i]! }, manifest, detector.threshold));
        });
      }
      return judgements;
    },
    async scoreFile(file) {
      const [judgement] = await detector.scoreImages([await decodeImage(file)], 1);
      return judgement!;
    },
    async scoreFiles(files, { batchSize = 32, onProgress } = {}) {
      const outcomes: FileOutcome[] = [];
      const batch = new Float32Array(batchSize * perImage);
      for (let start = 0; start < files.length; start += batchSize) {
        const chunk = files.slice(start, start + batchSize);
        // Each file's batch row, or its error.
        const slots: Array<number | string> = [];
        let rows = 0;
        for (const file of chunk) {
          try {
            imageToTensor(await decodeImage(file), manifest.input, batch, rows * perImage);
            slots.push(rows++);
          } catch (error) {
            slots.push(oneLine(error));
          }
        }
        const raw = rows > 0 ? await models.run(batch, rows) : null;
        chunk.forEach((file, i) => {
          const slot = slots[i]!;
          const outcome: FileOutcome =
            typeof slot === 'number'
              ? { file, ok: true, judgement: judge({ svdd: raw!.svdd[slot]!, autoencoder: raw!.autoencoder[slot]! }, manifest, detector.threshold) }
              : { file, ok: false, error: slot };
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
