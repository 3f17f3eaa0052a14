/** Sums per-file download progress into one figure for a bar (the page and the widget both draw one). */
import type { DownloadProgress } from './model-store';

export interface ProgressTotals {
  loaded: number;
  total: number;
  /** How many distinct files have reported so far. */
  files: number;
}

export function progressTotals(): (progress: DownloadProgress) => ProgressTotals {
  const byFile = new Map<string, DownloadProgress>();
  return (progress) => {
    byFile.set(progress.file, progress);
    let loaded = 0;
    let total = 0;
    for (const entry of byFile.values()) {
      loaded += entry.loaded;
      total += entry.total;
    }
    return { loaded, total, files: byFile.size };
  };
}
