/** Provenance in words: the one line on a card, and the detail lines behind it. Pure functions. */
import { aiMarkerOfSourceType } from './c2pa';
import type { AiMarker, C2paProvenance, CameraInfo, GeneratorInfo, Provenance } from './types';

export const NO_METADATA = 'No provenance metadata: most sites strip it, so this says nothing either way';

/** The result for a file without any metadata, and the fast path's answer. */
export function noProvenance(ms?: number): Provenance {
  return { summary: NO_METADATA, details: [], ...(ms !== undefined ? { ms } : {}) };
}

/** What a metadata reader answers when it gave up on a file (time limit, crash): the notice says why. */
export function unreadProvenance(notice: string, ms: number): Provenance {
  return { summary: `Metadata could not be read: ${notice}`, details: [`Notice: ${notice}`], notices: [notice], ms };
}

const SOURCE_TYPE_WORDS: Record<string, string> = {
  trainedAlgorithmicMedia: 'created by generative AI',
  compositeWithTrainedAlgorithmicMedia: 'a composite with AI-generated parts',
  compositeSynthetic: 'a composite with synthetic parts',
  algorithmicMedia: 'created by an algorithm (no training data)',
  algorithmicallyEnhanced: 'enhanced by an algorithm',
  digitalCapture: 'a digital capture (camera)',
  computationalCapture: 'a computational capture (phone camera processing)',
  negativeFilm: 'a scan of a negative',
  positiveFilm: 'a scan of a slide',
  print: 'a scan of a print',
  humanEdits: 'edited by a person',
  minorHumanEdits: 'lightly edited by a person',
  compositeCapture: 'a composite of captures',
  digitalCreation: 'made by a person with software',
  screenCapture: 'a screenshot',
};

export function sourceTypeWords(term: string): string {
  return SOURCE_TYPE_WORDS[term] ?? term;
}

export function cameraWords(camera: CameraInfo): string {
  const model = camera.model && camera.make && camera.model.toLowerCase().startsWith(camera.make.toLowerCase()) ? camera.model : [camera.make, camera.model].filter(Boolean).join(' ');
  return camera.lens ? `${model}, lens ${camera.lens}` : model;
}

function c2paLine(c2pa: C2paProvenance, agent: string | undefined): string {
  if (c2pa.state === 'invalid') {
    const badSignature = c2pa.validationErrors.some((error) => /^claimSignature\.|^signingCredential\.(invalid|revoked|expired)/.test(error.code));
    return badSignature
      ? `Content Credentials have a bad signature (tampered or damaged): ${c2pa.validationErrors.map((error) => error.code).join(', ')}`
      : `Content Credentials do not match this file (tampered): ${c2pa.validationErrors.map((error) => error.code).join(', ') || 'invalid'}`;
  }
  const signer = c2pa.signer ?? 'an unnamed signer';
  const trust = c2pa.state === 'untrusted' ? ' (signer not on a trust list)' : '';
  const ai =
    c2pa.aiGenerated === 'created' ? `created by AI${agent ? ` (${agent})` : ''}` : c2pa.aiGenerated === 'composite' ? `edited with AI (composite${agent ? `, ${agent}` : ''})` : 'no AI use declared';
  return `Content Credentials signed by ${signer}${trust}: ${ai}`;
}

function generatorLine(generator: GeneratorInfo): string {
  const p = generator.parameters ?? {};
  const prompt = p.prompt ? `"${p.prompt.length > 60 ? `${p.prompt.slice(0, 60)}…` : p.prompt}"` : undefined;
  const settings = ['Steps', 'steps', 'Sampler', 'sampler', 'sampler_name', 'Seed', 'seed']
    .filter((key) => p[key] !== undefined)
    .map((key) => `${key.replace(/_name$/, '')} ${p[key]}`);
  if (!generator.parameters) return `Made with ${generator.tool}, says the software field of the metadata`;
  const what = /Stable Diffusion/.test(generator.tool) ? 'Stable Diffusion parameters' : `${generator.tool} parameters`;
  return `${what} found: ${[prompt, ...settings].filter(Boolean).join(', ') || generator.tool}`;
}

/** Fills `summary` and `details` from the facts; the most telling line first. */
export function describe(facts: Omit<Provenance, 'summary' | 'details'>, extra: { aiAgent?: string; software?: string[] } = {}): Provenance {
  const lines: string[] = [];
  if (facts.c2pa) lines.push(c2paLine(facts.c2pa, extra.aiAgent));
  if (facts.sourceType && !facts.c2pa?.aiGenerated) lines.push(`Metadata says this is ${sourceTypeWords(facts.sourceType)} (IPTC digital source type ${facts.sourceType})`);
  if (facts.generator) lines.push(generatorLine(facts.generator));
  if (facts.missingManifest && !facts.c2pa) lines.push('Metadata refers to Content Credentials that are not in the file (removed): nothing to verify');
  if (facts.camera) lines.push(`Camera: ${cameraWords(facts.camera)} (EXIF, which anyone can edit)`);
  const summary = lines[0] ?? (facts.notices?.length ? `Metadata could not be read: ${facts.notices[0]}` : NO_METADATA);

  const details: string[] = [];
  const c2pa = facts.c2pa;
  if (c2pa) {
    details.push(`Content Credentials: ${c2pa.state}${c2pa.state === 'untrusted' ? ' (signature and hashes intact; the signer is on no trust list in use)' : ''}`);
    if (c2pa.signer) details.push(`Signed by: ${c2pa.signer}${c2pa.signedAt ? ` on ${c2pa.signedAt}` : ''}`);
    if (c2pa.claimGenerator) details.push(`Written by: ${c2pa.claimGenerator}`);
    if (c2pa.aiEvidence) details.push(`AI marker: ${c2pa.aiEvidence}`);
    for (const error of c2pa.validationErrors) details.push(`Validation failure: ${error.code}${error.explanation ? ` (${error.explanation})` : ''}`);
    details.push(`Manifests in the file: ${c2pa.manifests}`);
  }
  if (facts.sourceType) details.push(`Digital source type: ${facts.sourceType} (${sourceTypeWords(facts.sourceType)})`);
  if (facts.generator) {
    details.push(`Generator: ${facts.generator.tool}`);
    for (const [key, value] of Object.entries(facts.generator.parameters ?? {})) details.push(`${key}: ${value}`);
  }
  if (facts.camera) details.push(`Camera: ${cameraWords(facts.camera)}`);
  for (const software of extra.software ?? []) details.push(software);
  if (facts.missingManifest) details.push('XMP dcterms:provenance points to an embedded C2PA manifest that is missing');
  for (const notice of facts.notices ?? []) details.push(`Notice: ${notice}`);
  return { ...facts, summary, details };
}

/** Whether the metadata itself says AI (for tables and exports): intact C2PA, a digital source type, or generator parameters. */
export function provenanceSaysAi(provenance: Provenance): AiMarker | null {
  if (provenance.c2pa && provenance.c2pa.state !== 'invalid' && provenance.c2pa.aiGenerated) return provenance.c2pa.aiGenerated;
  const fromSourceType = provenance.sourceType ? aiMarkerOfSourceType(provenance.sourceType) : null;
  if (fromSourceType) return fromSourceType;
  return provenance.generator?.parameters ? 'created' : null;
}
