// Builds the console (/console) and the docs page's start-up script (/docs) into console/dist:
// one bundle each, no CDN, nothing fetched at run time but the API. Run by `npm ci` (the root
// `prepare` script) and by the browser tests' setup, so what is served is always this source.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
await mkdir(here('dist'), { recursive: true });
const result = await build({
  metafile: true,
  absWorkingDir: here('..'),
  entryPoints: { console: here('src/main.tsx'), docs: here('src/docs.ts') },
  outdir: here('dist'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // The SDK from its sources, as the client package's own browser-bundle test does.
  alias: { '@freshet/client': here('../client/src/index.ts') },
  logLevel: 'warning',
});
// The console reaches Freshet only through the SDK (which bundles the server's partitioner, the
// node-free halves of its codec — producing, and direct reads with the fzstd and lz4js
// decompressors — and the binary produce body's framing):
// anything else of the repo in the bundle is a private path around the public API.
// (dependency-cruiser's parser reads no TSX, so `npm run layering` cannot check this.)
const ALLOWED = /^(console\/src\/|client\/src\/|shared\/log\/(murmur2|partitioner|record-batch-decode|record-batch-encode|byte-reader|byte-writer|crc32c|lz4-frame|record-batches-body)\.ts$|shared\/errors\.ts$|node_modules\/(preact|fzstd|lz4js)\/)/;
const foreign = Object.keys(result.metafile.inputs).filter((input) => !ALLOWED.test(input));
if (foreign.length > 0) throw new Error(`the console may use only its own sources, the SDK and preact; it imports ${foreign.join(', ')}`);
for (const file of ['index.html', 'console.css', 'docs.html', 'docs.css']) await copyFile(here(`src/${file}`), here(`dist/${file}`));
