import { resolve } from 'node:path';
import { buildFunction } from './bundling.js';

/**
 * `tsx infra/build-function.ts <entry> <outdir> [--browser-assets]`: one function's bundle,
 * as the stack deploys it. FreshetFunction runs this from CDK's local bundling hook, which
 * must be synchronous while esbuild's plugins need its asynchronous API.
 */
const [entry, outdir, ...flags] = process.argv.slice(2);
if (!entry || !outdir) throw new Error('usage: build-function.ts <entry> <outdir> [--browser-assets]');
await buildFunction(resolve(entry), resolve(outdir), { browserAssets: flags.includes('--browser-assets') });
