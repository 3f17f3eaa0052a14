/**
 * Light or dark: a fixed choice, or 'auto' to follow the system setting (and its changes). Sets
 * <html data-theme>, which palette.css and each page's own stylesheet key their dark colours on, so the dark
 * values are written once instead of once for the media query and once for an explicit choice.
 */
import './palette.css';

export type Theme = 'light' | 'dark' | 'auto';

export function followTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme !== 'auto') {
    root.dataset.theme = theme;
    return;
  }
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => (root.dataset.theme = query.matches ? 'dark' : 'light');
  apply();
  query.addEventListener('change', apply);
}
