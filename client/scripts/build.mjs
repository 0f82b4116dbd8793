// Builds the publishable package: esbuild bundles (the core for any runtime, the Node-only
// helpers, the CLI) and TypeScript declarations. Run by `npm pack -w client` (prepack).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// esbuild is a devDependency of the repo: an install without dev dependencies has no
// build tools, and nothing that would use the build (tests, the examples) either.
const esbuild = await import('esbuild').catch(() => undefined);
if (!esbuild) {
  console.warn('@freshet/client: esbuild is not installed; skipping the build of client/dist');
  process.exit(0);
}
const { build } = esbuild;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
// The core: fetch and web standards only; the repo's partitioner is bundled in, not depended on.
await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: dist, platform: 'neutral', mainFields: ['module', 'main'] });
await build({ ...common, entryPoints: { node: 'src/node/signals.ts' }, outdir: dist, platform: 'node' });
// The CLI keeps its own dependencies (commander, cli-progress) external: they install with the package.
await build({ ...common, entryPoints: { cli: 'src/cli/bin.ts' }, outdir: dist, platform: 'node', packages: 'external' });

// Declarations with the TypeScript 5 compiler API-compatible tsc pinned in this workspace.
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
