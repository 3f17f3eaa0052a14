#!/usr/bin/env node
// Launcher for src/node/cli.ts. tsx (a devDependency) compiles the TypeScript on the fly; it is resolved from
// this file's own node_modules, so the command works from any working directory after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/node/cli.ts');
process.exitCode = await main(process.argv.slice(2));
