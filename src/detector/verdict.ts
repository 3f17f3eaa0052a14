/**
 * What a verdict and the threshold mean, in words that do not claim more than a score can tell: a score at or above
 * the threshold makes a picture likely generated; a score under it means the models found no sign of generation,
 * never that the picture is real. Pure and DOM-free: the page's cards and table, the widget and the CLI say the same.
 */
import type { ManifestMetrics } from './manifest';

export const VERDICT_WORDS = {
  flagged: 'Likely generated',
  notFlagged: 'No sign of generation found',
} as const;

export function verdictWords(isFake: boolean): string {
  return isFake ? VERDICT_WORDS.flagged : VERDICT_WORDS.notFlagged;
}

/**
 * What the default threshold caught of pictures from generators the models never trained on, as measured by the
 * evaluation (`metrics.wild.unseenGenerators`); null when the manifest has no such figure.
 */
export function unseenGeneratorsLine(metrics: ManifestMetrics | null | undefined): string | null {
  const unseen = metrics?.wild?.unseenGenerators;
  const caught = unseen?.caughtAtDefault;
  if (typeof caught !== 'number' || !Number.isFinite(caught)) return null;
  const count = unseen?.count;
  const pictures = typeof count === 'number' && Number.isFinite(count) ? ` (${count.toLocaleString('en-US')} picture${count === 1 ? '' : 's'})` : '';
  return `At the default threshold it caught ${+(caught * 100).toFixed(1)}% of pictures from generators it never trained on${pictures}.`;
}
