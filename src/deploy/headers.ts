/**
 * The response headers the app ships with, read from `public/_headers` (the Netlify / Cloudflare Pages format):
 * a path pattern on its own line, then indented `Name: value` lines. Used by the Vite dev/preview servers and the
 * end-to-end test server, so the headers under test are the headers a static host sends. Runs in Node only.
 */
import { readFileSync } from 'node:fs';

export interface HeaderRule {
  /** `/exact/path` or `/prefix/*`. */
  pattern: string;
  headers: Array<[name: string, value: string]>;
}

export function parseHeaderRules(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: [] });
      continue;
    }
    const separator = line.indexOf(':');
    const rule = rules.at(-1);
    if (!rule || separator < 0) throw new Error(`_headers: cannot read the line "${line}"`);
    rule.headers.push([line.slice(0, separator).trim(), line.slice(separator + 1).trim()]);
  }
  return rules;
}

export function readHeaderRules(file: string): HeaderRule[] {
  return parseHeaderRules(readFileSync(file, 'utf8'));
}

function matches(pattern: string, pathname: string): boolean {
  return pattern.endsWith('*') ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern;
}

/**
 * The headers for one request path, as Cloudflare Pages and Netlify send them: every rule whose pattern matches
 * adds its headers, and a header set by more than one rule gets their values joined with ", " in file order
 * (`X-Robots-Tag: nosnippet, noindex`). For a Content-Security-Policy that means several policies, each enforced
 * (so public/_headers gives the pages a second policy holding only their frame-ancestors). Names are matched
 * without regard to case; the first spelling is kept.
 */
export function headersFor(rules: readonly HeaderRule[], pathname: string): Record<string, string> {
  const result: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const rule of rules) {
    if (!matches(rule.pattern, pathname)) continue;
    for (const [name, value] of rule.headers) {
      const key = spelling.get(name.toLowerCase()) ?? name;
      spelling.set(name.toLowerCase(), key);
      result[key] = result[key] === undefined ? value : `${result[key]}, ${value}`;
    }
  }
  return result;
}
