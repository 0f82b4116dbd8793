import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BUNDLED_ASSET_DIRS, repoAssetDirs, servedFiles } from '../shared/http/static-assets.js';
import { copyLambdaNatives } from './native-modules.js';

/** Every Freshet function runs on this runtime; `target` below must name the same Node major. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * How every function is bundled, in one place: the stack runs buildFunction (through
 * infra/build-function.ts) and the bundle tests and the bench call esbuildOptions, so the
 * tested bundle is the deployed one.
 *
 * Our own esbuild run rather than NodejsFunction's: NodejsFunction gives esbuild one
 * `--outfile` and cannot run plugins, and both of these cut the api's cold start
 * (docs/benchmarks.md, "Cold start"): code splitting puts what a dynamic `import()`
 * loads (the OpenAPI document and its YAML emitter, the static asset server, the Secrets
 * Manager client) in chunks of their own, which V8 compiles only when they are imported,
 * and zodEnglishOnly leaves out zod's 60-odd locales.
 */
export const FUNCTION_BUNDLE = {
  target: 'node22',
  // ESM, for top-level await at cold start (functions/api.ts reads the root key there) and code splitting.
  format: 'esm',
  minify: true,
  // Stack traces point at the TypeScript source (functions/commons/source-mapped-stacks.ts reads
  // a chunk's map when a stack through it is first formatted);
  // the sources themselves are left out of the map, which halves the upload.
  sourceMap: true,
  sourcesContent: false,
  // shared/errors.ts names errors after their class (`new.target.name`); minified names would reach the logs.
  keepNames: true,
  mainFields: ['module', 'main'],
  // Nothing external, the AWS SDK included: the function runs the SDK versions the lockfile
  // pins and the tests exercise, not whichever ones the Lambda runtime ships that month.
  externalModules: [] as string[],
  // CommonJS dependencies bundled into ESM still call `require` for Node built-ins (in every chunk).
  banner: "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
} as const;

/**
 * zod's namespace keeps every locale (`z.locales`, ~260 KiB minified, a fifth of the api
 * bundle): @hono/zod-openapi passes `z` as a value to `extendZodWithOpenApi`, so esbuild
 * cannot shake them. Freshet's messages are zod's English ones (zod configures `en` itself),
 * so its locales module is replaced by one that exports `en` alone.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/en.js') , namespace: 'zod-english-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/** FUNCTION_BUNDLE as esbuild options: `entry` becomes `outdir/index.mjs` (Lambda's `index.handler`), its lazily imported parts chunks beside it. */
export function esbuildOptions(entry: string, outdir: string): BuildOptions {
  const b = FUNCTION_BUNDLE;
  return {
    entryPoints: [entry],
    outdir,
    entryNames: 'index',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    target: b.target,
    format: b.format,
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    keepNames: b.keepNames,
    mainFields: [...b.mainFields],
    external: [...b.externalModules],
    banner: { js: b.banner },
    plugins: [zodEnglishOnly],
    logLevel: 'warning',
  };
}

/**
 * One function's deployable directory: its bundle (index.mjs and chunks), Lambda's native
 * CRC-32C binary in node_modules/ beside it (infra/native-modules.ts), and for the api the
 * browser assets it serves.
 */
export async function buildFunction(entry: string, outdir: string, options: { browserAssets?: boolean } = {}): Promise<void> {
  await build(esbuildOptions(entry, outdir));
  await copyLambdaNatives(outdir);
  if (options.browserAssets) await copyApiBrowserAssets(outdir);
}

/**
 * The api function serves /console and /docs from files next to its code: the console's
 * build and Swagger UI's two files, copied into the bundle (each (source, destination) pair).
 */
export function apiBrowserAssets(outputDir: string): { from: string; to: string }[] {
  const source = repoAssetDirs();
  const files = servedFiles();
  return (Object.keys(files) as (keyof typeof files)[]).flatMap((dir) => files[dir].map((file) => ({ from: join(source[dir], file), to: join(outputDir, BUNDLED_ASSET_DIRS[dir], file) })));
}

/** Copies apiBrowserAssets into a bundle's directory. */
export async function copyApiBrowserAssets(outputDir: string): Promise<void> {
  for (const a of apiBrowserAssets(outputDir)) {
    await mkdir(a.to.slice(0, a.to.lastIndexOf('/')), { recursive: true });
    await copyFile(a.from, a.to);
  }
}
