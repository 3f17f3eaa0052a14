/** Node scoring of image files with the shipped models: decode (sharp) -> shared preprocessing -> ORT -> shared scoring. */
import { inputSize } from '../detector/manifest';
import type { RgbaImage } from '../detector/preprocess';
import { imageToTensor } from '../detector/preprocess';
import type { Judgement } from '../detector/scoring';
import { judge } from '../detector/scoring';
import { decodeImage } from './decode';
import type { NodeBackend, NodeModels } from './ort-node';
import { loadNodeModels } from './ort-node';

export interface NodeDetector {
  models: NodeModels;
  threshold: number;
  /** Scores decoded images in batches; returns one judgement per image, in order. */
  scoreImages(images: RgbaImage[], batchSize?: number): Promise<Judgement[]>;
  scoreFile(file: string | Uint8Array): Promise<Judgement>;
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
    dispose: () => models.dispose(),
  };
  return detector;
}
