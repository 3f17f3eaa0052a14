/** Per-image latency of the shipped graphs in Node (shared by `models:eval` and `npm run bench`). */
import type { RgbaImage } from '../detector/preprocess';
import { quantile } from '../detector/metrics';
import { ViewBatchBuilder } from '../detector/views';
import type { NodeBackend } from './ort-node';
import { loadNodeModels } from './ort-node';

export interface LatencyFigures {
  backend: NodeBackend;
  threads: number;
  batch: number;
  runs: number;
  /** Milliseconds per image, both models together (one `run` = both sessions, whole view and crops). */
  medianMs: number;
  p95Ms: number;
  imagesPerSecond: number;
  preprocessMedianMs: number;
}

export async function measureLatency(options: { backend: NodeBackend; threads?: number; batch?: number; runs?: number; image: RgbaImage; modelsDir?: string }): Promise<LatencyFigures> {
  const threads = options.threads ?? 1;
  const batch = options.batch ?? 1;
  const runs = options.runs ?? 40;
  const models = await loadNodeModels({ backend: options.backend, threads, modelsDir: options.modelsDir });
  const builder = new ViewBatchBuilder(models.manifest, batch);
  const preprocessTimes: number[] = [];
  for (let i = 0; i < batch; i++) {
    const t0 = performance.now();
    builder.add(options.image);
    preprocessTimes.push(performance.now() - t0);
  }
  const views = builder.batch;
  await models.run(views); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await models.run(views);
    times.push((performance.now() - t0) / batch);
  }
  await models.dispose();
  const median = quantile(times, 0.5);
  return {
    backend: options.backend, threads, batch, runs,
    medianMs: median, p95Ms: quantile(times, 0.95), imagesPerSecond: 1000 / median,
    preprocessMedianMs: quantile(preprocessTimes, 0.5),
  };
}
