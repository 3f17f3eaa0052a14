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
 * evaluation (`metrics.wild.unseenGenerators`, with the share's 95% interval when the evaluation gave one: a few
 * dozen pictures resolve a share only to some ten points), and, when measured, of generated pictures that look like
 * photographs (`metrics.wild.bySubject.photograph`: the models catch generated illustrations more readily, so the
 * figure for photographs is the one a photo-like picture should be read against); null when the manifest has no such
 * figure.
 */
const percentOf = (share: number) => `${+(share * 100).toFixed(1)}%`;

export function unseenGeneratorsLine(metrics: ManifestMetrics | null | undefined): string | null {
  const unseen = metrics?.wild?.unseenGenerators;
  const caught = unseen?.caughtAtDefault;
  if (typeof caught !== 'number' || !Number.isFinite(caught)) return null;
  const count = unseen?.count;
  const interval = unseen?.caughtInterval95;
  const range = Array.isArray(interval) ? `; 95% interval ${percentOf(interval[0])}-${percentOf(interval[1])}` : '';
  const pictures = typeof count === 'number' && Number.isFinite(count) ? ` (${count.toLocaleString('en-US')} picture${count === 1 ? '' : 's'}${range})` : '';
  const photographs = metrics?.wild?.bySubject?.photograph?.caught;
  const photographClause = typeof photographs === 'number' && Number.isFinite(photographs)
    ? `, and ${percentOf(photographs)} of generated pictures that look like photographs` : '';
  return `At the default threshold it caught ${percentOf(caught)} of pictures from generators it never trained on${pictures}${photographClause}.`;
}
