/**
 * C2PA Content Credentials, read and validated by the Content Authenticity Initiative's own SDK: c2pa-rs compiled
 * to WebAssembly (@contentauth/c2pa-wasm, the engine under @contentauth/c2pa-web). The wasm-bindgen module is used
 * directly rather than through c2pa-web, because c2pa-web starts a worker of its own and fetches its .wasm from a
 * URL, while this code already runs in the detector's worker and must run the same in Node (the CLI, the tests):
 * `WasmReader.fromBytes` needs no browser API. Loading the module is left to the caller (browser.ts, node.ts).
 *
 * No network: remote manifests and OCSP are never fetched (settings below), and no trust list is fetched; the
 * trust anchors in use are trust.ts's.
 */
import type { AiMarker, C2paProvenance, C2paValidationError } from './types';
import { TRUST_ANCHORS_PEM } from './trust';

/** The part of @contentauth/c2pa-wasm this file uses, so that the module itself is imported lazily by the loaders. */
export interface C2paWasm {
  WasmReader: {
    fromBytes(format: string, bytes: Uint8Array, contextJson?: string | null): Promise<{ manifestStore(): unknown; free(): void }>;
  };
}

/** c2pa-rs settings (snake_case, as c2pa-rs reads them). */
export const C2PA_SETTINGS = JSON.stringify({
  verify: {
    // Never go to the network: a manifest stored at a URL is reported, not fetched; OCSP answers embedded in the
    // manifest are still used.
    remote_manifest_fetch: false,
    ocsp_fetch: false,
    // Check the signer against the anchors below; with none, an intact manifest is "Valid", not "Trusted".
    verify_trust: true,
  },
  ...(TRUST_ANCHORS_PEM ? { trust: { trust_anchors: TRUST_ANCHORS_PEM } } : {}),
});

/** Codes that do not mean tampering: the signer is only unknown to us, or a check was skipped on purpose. */
const NOT_TAMPERING = new Set(['signingCredential.untrusted', 'signingCredential.ocsp.skipped', 'timeStamp.untrusted', 'signingCredential.ocsp.unknown']);

interface Action {
  action?: string;
  digitalSourceType?: string;
  softwareAgent?: string | { name?: string; version?: string };
  description?: string;
}
interface Manifest {
  claim_generator?: string;
  claim_generator_info?: Array<{ name?: string; version?: string }>;
  ingredients?: Array<{ active_manifest?: string; relationship?: string; title?: string }>;
  assertions?: Array<{ label?: string; data?: { actions?: Action[] } }>;
  signature_info?: { issuer?: string; common_name?: string; time?: string };
}
interface ManifestStore {
  active_manifest?: string;
  manifests?: Record<string, Manifest>;
  validation_state?: string;
  validation_status?: Array<{ code?: string; explanation?: string }>;
}

/** The term of an IPTC digital source type URI (".../digitalsourcetype/trainedAlgorithmicMedia" -> "trainedAlgorithmicMedia"). */
export function sourceTypeTerm(value: string): string {
  return value.trim().replace(/\/+$/, '').split('/').pop() ?? value;
}

/** The AI marker an IPTC digital source type term carries, if any. */
export function aiMarkerOfSourceType(term: string): AiMarker | null {
  if (term === 'trainedAlgorithmicMedia') return 'created';
  if (term === 'compositeWithTrainedAlgorithmicMedia' || term === 'compositeSynthetic') return 'composite';
  return null;
}

/** Bing Image Creator writes no digital source type, only this description on its c2pa.created action. */
const AI_DESCRIPTION = /\b(AI[- ]generated|generated (by|with) (an )?(AI|artificial intelligence))\b/i;

const agentName = (agent: Action['softwareAgent']) => (typeof agent === 'string' ? agent : agent?.name) ?? undefined;

function actionsOf(manifest: Manifest): Action[] {
  return (manifest.assertions ?? []).filter((assertion) => /^c2pa\.actions(\.v\d+)?$/.test(assertion.label ?? '')).flatMap((assertion) => assertion.data?.actions ?? []);
}

interface Marker {
  marker: AiMarker;
  sourceType?: string;
  agent?: string;
  evidence: string;
}

/** The strongest AI marker among one manifest's actions: composite wins over created (the picture was edited after). */
function markerOfManifest(manifest: Manifest): Marker | null {
  let found: Marker | null = null;
  for (const action of actionsOf(manifest)) {
    const term = action.digitalSourceType ? sourceTypeTerm(action.digitalSourceType) : undefined;
    let marker = term ? aiMarkerOfSourceType(term) : null;
    if (!marker && action.action === 'c2pa.created' && action.description && AI_DESCRIPTION.test(action.description)) marker = 'created';
    if (!marker) continue;
    const agent = agentName(action.softwareAgent);
    const evidence = [action.action, term ?? `description "${action.description}"`, agent].filter(Boolean).join(', ');
    const better = !found || (marker === 'composite' && found.marker === 'created') || (marker === found.marker && !found.agent && agent !== undefined);
    if (better) found = { marker, ...(term ? { sourceType: term } : {}), ...(agent ? { agent } : {}), evidence };
  }
  return found;
}

function generatorName(manifest: Manifest): string | null {
  const info = manifest.claim_generator_info?.[0];
  if (info?.name) return info.version ? `${info.name} ${info.version}` : info.name;
  return manifest.claim_generator ?? null;
}

export interface C2paReading {
  c2pa: C2paProvenance;
  /** The digital source type the active (or an ingredient's) manifest declares. */
  sourceType?: string;
  /** The software agent of the AI action ("Adobe Firefly", "DALL·E"). */
  aiAgent?: string;
}

/**
 * Reads and validates the manifest store in `bytes`. null when there is none (c2pa-rs: JumbfNotFound); throws
 * when one is there but cannot be read at all (the caller turns that into a notice).
 */
export async function readC2pa(wasm: C2paWasm, bytes: Uint8Array, mime: string): Promise<C2paReading | null> {
  let reader;
  try {
    reader = await wasm.WasmReader.fromBytes(mime, bytes, C2PA_SETTINGS);
  } catch (error) {
    if (/JumbfNotFound|ProvenanceMissing|NotFound/i.test(String(error))) return null;
    throw new Error(`Content Credentials could not be read (${String(error).slice(0, 200)})`);
  }
  let store: ManifestStore;
  try {
    store = reader.manifestStore() as ManifestStore;
  } finally {
    reader.free();
  }
  const manifests = store.manifests ?? {};
  const active = store.active_manifest ? manifests[store.active_manifest] : undefined;
  const status = store.validation_status ?? [];
  const validationErrors: C2paValidationError[] = status
    .filter((entry) => entry.code && !NOT_TAMPERING.has(entry.code))
    .map((entry) => ({ code: entry.code!, ...(entry.explanation ? { explanation: entry.explanation } : {}) }));
  const untrusted = status.some((entry) => entry.code === 'signingCredential.untrusted');
  const state = store.validation_state === 'Invalid' || validationErrors.length > 0 || !active ? 'invalid' : store.validation_state === 'Trusted' || !untrusted ? 'valid' : 'untrusted';

  // AI markers: the active manifest first; else the manifests of its ingredients, depth first (DALL·E via ChatGPT).
  let marker = active ? markerOfManifest(active) : null;
  if (active && !marker) {
    const seen = new Set<string>([store.active_manifest!]);
    const visit = (manifest: Manifest, depth: number): Marker | null => {
      for (const ingredient of manifest.ingredients ?? []) {
        const label = ingredient.active_manifest;
        if (!label || seen.has(label) || depth > 16) continue;
        seen.add(label);
        const child = manifests[label];
        if (!child) continue;
        const found = markerOfManifest(child) ?? visit(child, depth + 1);
        if (found) return { ...found, evidence: `ingredient manifest (${generatorName(child) ?? label}): ${found.evidence}` };
      }
      return null;
    };
    marker = visit(active, 0);
  } else if (marker) {
    marker = { ...marker, evidence: `active manifest: ${marker.evidence}` };
  }

  const signature = active?.signature_info;
  return {
    c2pa: {
      state,
      signer: signature?.issuer ?? signature?.common_name ?? null,
      claimGenerator: active ? generatorName(active) : null,
      signedAt: signature?.time ?? null,
      aiGenerated: marker?.marker ?? null,
      ...(marker ? { aiEvidence: marker.evidence } : {}),
      validationErrors,
      manifests: Object.keys(manifests).length,
    },
    ...(marker?.sourceType ? { sourceType: marker.sourceType } : {}),
    ...(marker?.agent ? { aiAgent: marker.agent } : {}),
  };
}
