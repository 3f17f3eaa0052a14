/** Provenance metadata beside the score: types and words only; the readers are loaded where they run. */
export type { AiMarker, C2paProvenance, C2paState, C2paValidationError, CameraInfo, GeneratorInfo, Provenance } from './types';
export { NO_METADATA, cameraWords, provenanceSaysAi, sourceTypeWords } from './summary';
export { TRUST_LIST_NAME } from './trust';
