import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_ASSET_DIRS, repoAssetDirs, servedFiles } from '../shared/http/static-assets.js';

/** Every Freshet function runs on this runtime; `target` below must name the same Node major. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * How every function is bundled, in one place: the stack turns it into NodejsFunction
 * props and the bundle test into esbuild options, so the tested bundle is the deployed one.
 */
export const FUNCTION_BUNDLE = {
  target: 'node22',
  // ESM, for top-level await at cold start (functions/api.ts reads the root key there).
  format: 'esm',
  minify: true,
  // Stack traces point at the TypeScript source (with NODE_OPTIONS=--enable-source-maps);
  // the sources themselves are left out of the map, which halves the upload.
  sourceMap: true,
  sourcesContent: false,
  // shared/errors.ts names errors after their class (`new.target.name`); minified names would reach the logs.
  keepNames: true,
  mainFields: ['module', 'main'],
  // Nothing external, the AWS SDK included: the function runs the SDK versions the lockfile
  // pins and the tests exercise, not whichever ones the Lambda runtime ships that month.
  externalModules: [] as string[],
  // CommonJS dependencies bundled into ESM still call `require` for Node built-ins.
  banner: "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
} as const;

/** FUNCTION_BUNDLE as NodejsFunction's `bundling` prop (it runs the local esbuild; no Docker). */
export function nodejsBundling(): BundlingOptions {
  const b = FUNCTION_BUNDLE;
  return {
    target: b.target,
    format: { esm: OutputFormat.ESM, cjs: OutputFormat.CJS }[b.format],
    minify: b.minify,
    sourceMap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    keepNames: b.keepNames,
    mainFields: [...b.mainFields],
    externalModules: [...b.externalModules],
    banner: b.banner,
    logLevel: LogLevel.WARNING,
  };
}

/** FUNCTION_BUNDLE as esbuild build options, the same flags NodejsFunction passes to the esbuild CLI. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  const b = FUNCTION_BUNDLE;
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
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
    logLevel: 'warning',
  };
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

/** apiBrowserAssets as NodejsFunction's afterBundling shell commands (it runs them locally). */
export function apiBrowserAssetCommands(outputDir: string): string[] {
  const assets = apiBrowserAssets(outputDir);
  const dirs = [...new Set(assets.map((a) => a.to.slice(0, a.to.lastIndexOf('/'))))];
  const quote = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;
  return [`mkdir -p ${dirs.map(quote).join(' ')}`, ...assets.map((a) => `cp ${quote(a.from)} ${quote(a.to)}`)];
}

/** The same copy in-process, for the bundle test. */
export async function copyApiBrowserAssets(outputDir: string): Promise<void> {
  for (const a of apiBrowserAssets(outputDir)) {
    await mkdir(a.to.slice(0, a.to.lastIndexOf('/')), { recursive: true });
    await copyFile(a.from, a.to);
  }
}
