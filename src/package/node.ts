/**
 * The npm package's Node entry (`import … from 'ensemble-deepfake-detector/node'`): scoring files and decoded
 * images with onnxruntime-node (or onnxruntime-web's WASM) and sharp, with the models the package carries, and
 * the same scoring and export code as the page. Built by scripts/build-package.ts into lib/node/index.js.
 */
export type { FileOutcome, NodeDetector } from '../node/node-detector';
export { createNodeDetector } from '../node/node-detector';
export type { NodeBackend, NodeModels } from '../node/ort-node';
export { DEFAULT_MODELS_DIR, readManifest } from '../node/ort-node';
export { main as runCli } from '../node/cli';
export type { CliIo } from '../node/cli';
export type { Judgement, ModelScores, ScoredView, JudgedCrop } from '../detector/scoring';
export { judge, rejudge, presetThreshold, validateThreshold } from '../detector/scoring';
export type { ModelManifest, PresetName } from '../detector/manifest';
export { MODEL_KEYS, PRESET_NAMES } from '../detector/manifest';
export { VERDICT_WORDS, verdictWords } from '../detector/verdict';
export { PACKAGE_VERSION } from '../detector/version';
export { NodeProvenanceReader } from '../detector/provenance/node-isolate';
export type { Provenance } from '../detector/provenance/types';
