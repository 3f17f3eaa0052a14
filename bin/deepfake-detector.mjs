#!/usr/bin/env node
// Launcher for the CLI (src/node/cli.ts). In the npm package it runs the compiled JavaScript (lib/node/cli.js,
// scripts/build-package.ts): no TypeScript at run time. In a checkout (src/ is there) it runs the TypeScript
// through tsx, a devDependency resolved from this file's own node_modules, so the command works from any working
// directory after `npm ci` with nothing to build, and never runs a stale lib/.
import { existsSync } from 'node:fs';

const source = new URL('../src/node/cli.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../lib/node/cli.js'));
}
process.exitCode = await main(process.argv.slice(2));
