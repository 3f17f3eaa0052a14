/**
 * Generator parameters from text metadata: what the Stable Diffusion web UI (AUTOMATIC1111 and its forks),
 * NovelAI, ComfyUI and InvokeAI write into PNG text chunks or EXIF UserComment. These are conventions of each
 * tool, not a metadata format, so no library reads them; the chunks themselves were read by ExifReader.
 */
import type { GeneratorInfo } from './types';

/** Longest parameter value kept: a prompt can be kilobytes, a ComfyUI workflow megabytes. */
const MAX_VALUE = 2000;

const clip = (value: string) => (value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value);

/** Software names of image generators, to recognise them in EXIF Software, XMP CreatorTool or IPTC fields. */
export const GENERATOR_SOFTWARE = /midjourney|dall[·.\- ]?e|stable[ -]?diffusion|novelai|comfyui|invokeai|automatic1111|fooocus|firefly|imagen|ideogram|leonardo\.?ai|flux\.?1|runway/i;

/**
 * AUTOMATIC1111 "parameters": the prompt, an optional "Negative prompt: ..." line, then one line of
 * "Key: value, Key: value" settings starting with "Steps:" (values may be quoted when they hold commas).
 */
export function parseA1111(text: string): Record<string, string> | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let settingsAt = lines.length - 1;
  while (settingsAt >= 0 && !/^Steps: /.test(lines[settingsAt]!)) settingsAt--;
  if (settingsAt < 0) return null;
  const head = lines.slice(0, settingsAt);
  const negativeAt = head.findIndex((line) => line.startsWith('Negative prompt:'));
  const prompt = (negativeAt < 0 ? head : head.slice(0, negativeAt)).join('\n').trim();
  const parameters: Record<string, string> = {};
  if (prompt) parameters.prompt = clip(prompt);
  if (negativeAt >= 0) parameters['Negative prompt'] = clip(head.slice(negativeAt).join('\n').replace(/^Negative prompt:\s*/, '').trim());
  for (const match of lines.slice(settingsAt).join('\n').matchAll(/\s*([^:,]+):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g)) {
    const key = match[1]!.trim();
    if (key) parameters[key] = clip(match[2]!.trim().replace(/^"(.*)"$/s, '$1'));
  }
  return parameters;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type Node = { class_type?: string; inputs?: Record<string, unknown> };

/** ComfyUI's "prompt" chunk (the API graph: node id -> { class_type, inputs }): sampler settings and the prompts fed to it. */
function parseComfyPrompt(graph: Record<string, Node>, workflowNodes: number | undefined): Record<string, string> {
  const parameters: Record<string, string> = {};
  const nodes = Object.values(graph).filter((node): node is Node => typeof node === 'object' && node !== null);
  const textOf = (link: unknown): string | undefined => {
    if (!Array.isArray(link)) return undefined;
    const node = graph[String(link[0])];
    const value = node?.inputs?.text ?? node?.inputs?.text_g;
    return typeof value === 'string' ? value : undefined;
  };
  const sampler = nodes.find((node) => /KSampler/i.test(node.class_type ?? ''));
  if (sampler?.inputs) {
    const positive = textOf(sampler.inputs.positive);
    const negative = textOf(sampler.inputs.negative);
    if (positive) parameters.prompt = clip(positive);
    if (negative) parameters['Negative prompt'] = clip(negative);
    for (const key of ['seed', 'noise_seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise']) {
      const value = sampler.inputs[key];
      if (typeof value === 'number' || typeof value === 'string') parameters[key] = String(value);
    }
  }
  if (!parameters.prompt) {
    const texts = nodes.filter((node) => /TextEncode/i.test(node.class_type ?? '')).map((node) => node.inputs?.text).filter((value): value is string => typeof value === 'string');
    if (texts.length > 0) parameters.prompt = clip(texts.join(' | '));
  }
  const checkpoint = nodes.map((node) => node.inputs?.ckpt_name ?? node.inputs?.unet_name).find((value) => typeof value === 'string');
  if (typeof checkpoint === 'string') parameters.model = checkpoint;
  parameters.nodes = String(workflowNodes ?? nodes.length);
  return parameters;
}

/**
 * The generator named by a file's text metadata, with its parameters; null when the text is not a generator's.
 * `pngText` holds PNG text chunks by keyword; `userComment` the EXIF UserComment (A1111 in JPEG and WebP).
 */
export function generatorFromText(pngText: Record<string, string>, userComment?: string): GeneratorInfo | null {
  const a1111 = pngText.parameters ?? userComment;
  const parsedA1111 = a1111 ? parseA1111(a1111) : null;
  if (parsedA1111) return { tool: 'Stable Diffusion (AUTOMATIC1111-style parameters)', parameters: parsedA1111 };

  if (/novelai/i.test(pngText.Software ?? '')) {
    const parameters: Record<string, string> = {};
    if (pngText.Description) parameters.prompt = clip(pngText.Description);
    const comment = parseJson(pngText.Comment);
    if (comment && typeof comment === 'object') {
      const settings = comment as Record<string, unknown>;
      if (typeof settings.uc === 'string') parameters['Negative prompt'] = clip(settings.uc);
      for (const [key, value] of Object.entries(settings)) {
        if (key !== 'uc' && key !== 'prompt' && (typeof value === 'number' || typeof value === 'string')) parameters[key] = clip(String(value));
      }
    }
    if (pngText.Source) parameters.model = pngText.Source;
    return { tool: 'NovelAI', parameters };
  }

  const comfyPrompt = parseJson(pngText.prompt);
  const comfyWorkflow = parseJson(pngText.workflow) as { nodes?: unknown[] } | undefined;
  if ((comfyPrompt && typeof comfyPrompt === 'object') || Array.isArray(comfyWorkflow?.nodes)) {
    const nodes = Array.isArray(comfyWorkflow?.nodes) ? comfyWorkflow.nodes.length : undefined;
    return { tool: 'ComfyUI', parameters: comfyPrompt && typeof comfyPrompt === 'object' ? parseComfyPrompt(comfyPrompt as Record<string, Node>, nodes) : { nodes: String(nodes) } };
  }

  if (pngText.invokeai_metadata || pngText['sd-metadata'] || pngText.Dream) {
    const metadata = parseJson(pngText.invokeai_metadata ?? pngText['sd-metadata']) as Record<string, unknown> | undefined;
    const prompt = typeof metadata?.positive_prompt === 'string' ? metadata.positive_prompt : pngText.Dream;
    return { tool: 'InvokeAI', ...(prompt ? { parameters: { prompt: clip(prompt) } } : {}) };
  }
  return null;
}
