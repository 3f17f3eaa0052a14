/**
 * Running both graphs on one batch, and creating / releasing their sessions: the one ORT adapter for the worker
 * (onnxruntime-web, WebGPU or WASM) and for Node (onnxruntime-node or onnxruntime-web). Both runtimes share
 * onnxruntime-common's API; only the part used here is typed, so either module fits.
 */
import type { ModelKey, ModelManifest } from './manifest';
import { MODEL_KEYS, inputSize } from './manifest';
import type { ViewBatch } from './views';

/** Raw outputs of both graphs for one batch (the larger outputs only when asked for). */
export interface RawBatchScores {
  svdd: Float32Array;
  autoencoder: Float32Array;
  /** Per crop row: each graph's trace score (empty when the batch had no crops). */
  traceSvdd: Float32Array;
  traceAutoencoder: Float32Array;
  /** Only when asked for: the autoencoder's reconstruction [n, 3, s, s] and squared error [n, s, s]. */
  reconstruction?: Float32Array;
  errorMap?: Float32Array;
  /** Only when asked for: Deep SVDD's image-statistic z-scores [n, k] (which statistic is off). */
  statisticZ?: Float32Array;
}

export interface OrtTensorLike {
  readonly data: unknown;
  dispose(): void;
}

export interface OrtSessionLike {
  run(feeds: Record<string, never>, fetches: readonly string[]): Promise<Record<string, OrtTensorLike | undefined>>;
  release(): Promise<void>;
}

/** The part of an ORT module used here: tensors and session creation. */
export interface OrtModuleLike<S extends OrtSessionLike = OrtSessionLike> {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;
  InferenceSession: { create(bytes: Uint8Array, options: Record<string, unknown>): Promise<S> };
}

export type Sessions<S extends OrtSessionLike = OrtSessionLike> = Record<ModelKey, S>;

export interface RunOptions {
  /** Also fetch the autoencoder's reconstruction and error map and Deep SVDD's statistics (extra outputs). */
  explain?: boolean;
}

/** Both sessions with the same options; a failure releases what was created. */
export async function createSessions<S extends OrtSessionLike>(
  ort: OrtModuleLike<S>,
  modelBytes: Record<ModelKey, Uint8Array>,
  options: Record<string, unknown>,
): Promise<Sessions<S>> {
  const sessions: Partial<Sessions<S>> = {};
  try {
    for (const key of MODEL_KEYS) sessions[key] = await ort.InferenceSession.create(modelBytes[key], options);
  } catch (error) {
    await releaseSessions(sessions);
    throw error;
  }
  return sessions as Sessions<S>;
}

export async function releaseSessions(sessions: Partial<Sessions>): Promise<void> {
  for (const session of Object.values(sessions)) {
    try {
      await session?.release();
    } catch {
      // Already released, or its device is gone: nothing left to free.
    }
  }
}

function output(outputs: Record<string, OrtTensorLike | undefined>, name: string, file: string): Float32Array {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`${file} gave no "${name}" output`);
  return Float32Array.from(tensor.data as Float32Array);
}

/** Deep SVDD before the autoencoder: with a shared backbone the autoencoder reads what Deep SVDD's run gave. */
const SHARED_BACKBONE_ORDER: readonly ModelKey[] = ['svdd', 'autoencoder'];

/** The outputs one graph is asked for: the scores always, the larger ones only when needed. */
function outputNames(manifest: ModelManifest, key: ModelKey, options: RunOptions): string[] {
  const facts = manifest.models[key];
  const names = [facts.scoreOutput];
  if (manifest.input.crops) {
    names.push(facts.traceScoreOutput!);
    if (key === 'svdd' && sharesBackbone(manifest)) names.push(facts.cropFeaturesOutput!);
  }
  if (options.explain && key === 'autoencoder' && facts.reconstructionOutput && facts.errorMapOutput) {
    names.push(facts.reconstructionOutput, facts.errorMapOutput);
  }
  if (options.explain && key === 'svdd' && facts.statisticsOutput) names.push(facts.statisticsOutput);
  return names;
}

/** Whether the autoencoder's graph takes Deep SVDD's backbone map of the crops instead of the crops. */
export function sharesBackbone(manifest: ModelManifest): boolean {
  return Boolean(manifest.input.crops && manifest.models.autoencoder.cropFeaturesInputName);
}

/** Copies one graph's outputs into `scores` (the crop rows of its trace scores only). */
function readOutputs(outputs: Record<string, OrtTensorLike | undefined>, names: readonly string[], manifest: ModelManifest, key: ModelKey, batch: ViewBatch, scores: RawBatchScores): void {
  const facts = manifest.models[key];
  scores[key] = output(outputs, facts.scoreOutput, facts.file);
  if (names.includes(facts.traceScoreOutput!)) {
    const trace = output(outputs, facts.traceScoreOutput!, facts.file).subarray(0, batch.cropCount);
    if (key === 'svdd') scores.traceSvdd = trace;
    else scores.traceAutoencoder = trace;
  }
  if (facts.statisticsOutput && names.includes(facts.statisticsOutput)) scores.statisticZ = output(outputs, facts.statisticsOutput, facts.file);
  if (facts.reconstructionOutput && facts.errorMapOutput && names.includes(facts.errorMapOutput)) {
    scores.reconstruction = output(outputs, facts.reconstructionOutput, facts.file);
    scores.errorMap = output(outputs, facts.errorMapOutput, facts.file);
  }
}

/**
 * Raw outputs of both graphs for one batch. A batch with no crops still feeds the crops input one blank crop
 * (graph inputs cannot be left out; its score is dropped), so small pictures cost one crop per batch, not one each.
 * With a shared backbone (sharesBackbone) Deep SVDD runs first and its crop features output is fed to the
 * autoencoder as it came out, then released.
 */
export async function runModels(ort: OrtModuleLike, sessions: Sessions, manifest: ModelManifest, batch: ViewBatch, options: RunOptions = {}): Promise<RawBatchScores> {
  const size = inputSize(manifest);
  const image = new ort.Tensor('float32', batch.whole, [batch.count, 3, size, size]);
  const cropRows = Math.max(1, batch.cropCount);
  const crops = manifest.input.crops
    ? new ort.Tensor('float32', batch.cropCount > 0 ? batch.crops : new Float32Array(3 * size * size), [cropRows, 3, size, size])
    : null;
  const scores: RawBatchScores = {
    svdd: new Float32Array(0),
    autoencoder: new Float32Array(0),
    traceSvdd: new Float32Array(0),
    traceAutoencoder: new Float32Array(0),
  };
  /** Deep SVDD's backbone map of the crops, kept from its run to the autoencoder's (shared backbone only). */
  let cropFeatures: OrtTensorLike | undefined;
  try {
    for (const key of SHARED_BACKBONE_ORDER) {
      const facts = manifest.models[key];
      const names = outputNames(manifest, key, options);
      const feeds: Record<string, OrtTensorLike> = { [facts.inputName]: image };
      if (crops && facts.cropFeaturesInputName) {
        if (!cropFeatures) throw new Error(`${manifest.models.svdd.file} gave no "${manifest.models.svdd.cropFeaturesOutput}" output`);
        feeds[facts.cropFeaturesInputName] = cropFeatures;
      } else if (crops) {
        feeds[facts.cropsInputName!] = crops;
      }
      const outputs = await sessions[key].run(feeds as Record<string, never>, names);
      try {
        readOutputs(outputs, names, manifest, key, batch, scores);
      } finally {
        for (const [name, tensor] of Object.entries(outputs)) {
          if (key === 'svdd' && name === facts.cropFeaturesOutput) cropFeatures = tensor;
          else tensor?.dispose();
        }
      }
    }
  } finally {
    image.dispose();
    crops?.dispose();
    cropFeatures?.dispose();
  }
  return scores;
}
