/**
 * One picture's raw scores out of a batch's outputs (model-run.ts's RawBatchScores, rows from views.ts's
 * ViewBatchBuilder): its whole-image scores, each crop's trace scores, and the crops aggregated per model as the
 * manifest's `input.crops.aggregate` says. Before calibration: scoring.ts judge() takes it from here.
 */
import type { CropSpec, ModelKey } from './manifest';
import type { RawBatchScores } from './model-run';
import type { ModelScores } from './scoring';
import { aggregateCrops, countedCrops } from './scoring';
import type { PictureRows } from './views';

/** One judged crop: its place in the picture, each model's raw trace score, and whether it counted in it. */
export interface CropScore {
  left: number;
  top: number;
  size: number;
  raw: ModelScores;
  /** Whether this crop's raw score counted towards each model's trace score (`input.crops.aggregate`). */
  counted: Record<ModelKey, boolean>;
}

/** What the graphs said about one picture, before calibration. */
export interface PictureRaw {
  raw: ModelScores;
  /** The crops' trace scores aggregated per model (`input.crops.aggregate`); null for a picture with no crops. */
  traceRaw: ModelScores | null;
  crops: CropScore[];
}

/**
 * One picture's raw scores out of a batch's outputs. `cropSpec` is the manifest's `input.crops` (the crop size
 * and how the crops' scores aggregate); it may be undefined only for models without crops.
 */
export function pictureRaw(scores: RawBatchScores, rows: PictureRows, cropSpec: Pick<CropSpec, 'size' | 'aggregate' | 'topK'> | undefined): PictureRaw {
  const raw = { svdd: scores.svdd[rows.row]!, autoencoder: scores.autoencoder[rows.row]! };
  if (rows.regions.length === 0) return { raw, traceRaw: null, crops: [] };
  if (!cropSpec) throw new RangeError('crops were judged, but the manifest has no input.crops');
  const values = {
    svdd: rows.regions.map((_, i) => scores.traceSvdd[rows.cropStart + i]!),
    autoencoder: rows.regions.map((_, i) => scores.traceAutoencoder[rows.cropStart + i]!),
  };
  const counted = { svdd: countedCrops(values.svdd, cropSpec), autoencoder: countedCrops(values.autoencoder, cropSpec) };
  const crops = rows.regions.map((region, i) => ({
    left: region.left,
    top: region.top,
    size: cropSpec.size,
    raw: { svdd: values.svdd[i]!, autoencoder: values.autoencoder[i]! },
    counted: { svdd: counted.svdd[i]!, autoencoder: counted.autoencoder[i]! },
  }));
  return {
    raw,
    traceRaw: { svdd: aggregateCrops(values.svdd, cropSpec), autoencoder: aggregateCrops(values.autoencoder, cropSpec) },
    crops,
  };
}
