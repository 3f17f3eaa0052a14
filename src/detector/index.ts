/** Public entry of the detector library (no UI). */
export { EnsembleDeepfakeDetector, DetectorInputError } from './detector';
export type { BatchOutcome, DetectorNotice, FromPretrainedOptions, ImageInput, Prediction, PredictionTimings, PredictOptions } from './detector';
export type { Explanation, RgbaPixels, StatisticDeviation } from './explain';
export { describeStatistics, errorMapToRgba } from './explain';
export type { CacheStatus, DownloadProgress, ProgressCallback } from './model-store';
export { ModelDownloadError, ModelIntegrityError } from './model-store';
export type { ExecutionProvider, ExecutionProviderChoice, RuntimeInfo } from './protocol';
export type { ModelManifest, PresetName } from './manifest';
export { MODEL_KEYS, PRESET_NAMES, ManifestError } from './manifest';
export { rejudge } from './scoring';
export type { ScoredView, JudgedCrop, Judgement, ModelScores } from './scoring';
export type { EvidenceLine } from './evidence';
export { EVIDENCE_WORDS, cropBox, cropsByScore, evidenceLine, wholeOnlyReason } from './evidence';
export { VERDICT_WORDS, unseenGeneratorsLine, verdictWords } from './verdict';
export type { ProgressTotals } from './progress';
export { progressTotals } from './progress';
