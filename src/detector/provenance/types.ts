/**
 * What an image file says about where it came from, read from its metadata. One shape for the page, the widget,
 * the CLI and the exports. It is evidence beside the models' score, never part of it: the score judges pixels only,
 * and most sites strip metadata, so its absence says nothing either way.
 */

/**
 * - `valid`: C2PA signature and hashes check out and the signer is on the trust list in use;
 * - `untrusted`: they check out, but the signer's certificate is on no trust list in use (no list is bundled, so
 *   every intact manifest reads so): the file is unchanged since it was signed, by whoever holds that certificate;
 * - `invalid`: the manifest does not match this file (pixels changed after signing) or its signature is bad.
 */
export type C2paState = 'valid' | 'invalid' | 'untrusted';

/** `created`: made by generative AI; `composite`: a picture with AI-generated parts (IPTC digital source types). */
export type AiMarker = 'created' | 'composite';

export interface C2paValidationError {
  code: string;
  explanation?: string;
}

export interface C2paProvenance {
  state: C2paState;
  /** Organisation of the signing certificate (its issuer field), else its common name. */
  signer: string | null;
  /** The application that wrote the active manifest ("Adobe Photoshop 26.9.0"). */
  claimGenerator: string | null;
  /** Signing time from the manifest's signature (ISO 8601), when it has one. */
  signedAt: string | null;
  aiGenerated: AiMarker | null;
  /** Where the AI marker was found, in words ("active manifest: c2pa.created, trainedAlgorithmicMedia, Adobe Firefly"). */
  aiEvidence?: string;
  /** Failures that mean tampering or a bad signature. `signingCredential.untrusted` is never one of them. */
  validationErrors: C2paValidationError[];
  /** Manifests in the file's manifest store (the active one and its ingredients' ones). */
  manifests: number;
}

export interface GeneratorInfo {
  /** "Stable Diffusion (AUTOMATIC1111 parameters)", "NovelAI", "ComfyUI", or a C2PA softwareAgent ("DALL·E"). */
  tool: string;
  /** Prompt and settings as text, key by key ("prompt", "Steps", "Sampler", "Seed", ...). */
  parameters?: Record<string, string>;
}

export interface CameraInfo {
  make: string;
  model: string;
  lens?: string;
}

export interface Provenance {
  c2pa?: C2paProvenance;
  /**
   * The IPTC digital source type the file declares (C2PA action or XMP `Iptc4xmpExt:DigitalSourceType`), as its term:
   * `trainedAlgorithmicMedia`, `compositeWithTrainedAlgorithmicMedia`, `digitalCapture`, ...
   */
  sourceType?: string;
  generator?: GeneratorInfo;
  camera?: CameraInfo;
  /** XMP `dcterms:provenance` points at an embedded C2PA manifest that is not in the file (it was stripped). */
  missingManifest?: boolean;
  /** The one line shown on a card, in words. */
  summary: string;
  /** More lines, shown on demand. */
  details: string[];
  /** Something in the metadata could not be read (damaged, too big, too slow): the image is still scored. */
  notices?: string[];
  /** Wall-clock milliseconds from the file's bytes to this result (in the page it overlaps the decoding). */
  ms?: number;
}
