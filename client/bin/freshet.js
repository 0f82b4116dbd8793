#!/usr/bin/env node
// In the repo (src/ present) the CLI runs from TypeScript through tsx, so `npx freshet`
// works right after `npm ci` with no build; the published package runs the bundle in dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/bin.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli.js');
}
