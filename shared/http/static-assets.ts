import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the browser assets are on disk: the console's build (`console/dist`, built by
 * `npm ci`'s prepare step) and Swagger UI's files (`swagger-ui-dist`, served from its npm
 * package). The api Lambda's bundle carries copies of both next to its code (infra/bundling.ts).
 */
export interface StaticAssetDirs {
  console: string;
  swaggerUi: string;
}

/** The directories in a checkout (local mode and tests): the console's build and swagger-ui-dist in node_modules. */
export function repoAssetDirs(): StaticAssetDirs {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const require = createRequire(import.meta.url);
  return { console: join(root, 'console', 'dist'), swaggerUi: dirname(require.resolve('swagger-ui-dist/package.json')) };
}

/** Where the api function's bundle keeps them, relative to its code: infra/bundling.ts copies them there, functions/api.ts names them (its bundle test serves them). */
export const BUNDLED_ASSET_DIRS: StaticAssetDirs = { console: 'static/console', swaggerUi: 'static/swagger-ui' };

/** Each file the api serves at /console and /docs, by directory: what the bundle must carry. */
export function servedFiles(): { [dir in keyof StaticAssetDirs]: string[] } {
  const all = [...Object.values(CONSOLE_FILES).map((f) => ['console', f] as const), ...Object.values(DOCS_FILES)];
  return {
    console: [...new Set(all.filter(([d]) => d === 'console').map(([, f]) => f))],
    swaggerUi: [...new Set(all.filter(([d]) => d === 'swaggerUi').map(([, f]) => f))],
  };
}

/** What each file served at /console/ and /docs/ is; anything not listed here is a 404. */
const CONSOLE_FILES = { '': 'index.html', 'console.js': 'console.js', 'console.css': 'console.css' } as const;
const DOCS_FILES = { '': ['console', 'docs.html'], 'docs.js': ['console', 'docs.js'], 'docs.css': ['console', 'docs.css'], 'swagger-ui-bundle.js': ['swaggerUi', 'swagger-ui-bundle.js'], 'swagger-ui.css': ['swaggerUi', 'swagger-ui.css'] } as const;

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/**
 * Record values shown in the console are hostile input: they are rendered as text, and
 * this policy would stop a script even if one slipped into the page (no inline script, no
 * eval, nothing from another origin; the API is the same origin).
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Swagger UI sets style attributes, so styles may be inline; scripts still only from here. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface StaticFile {
  body: Uint8Array;
  contentType: string;
}

/**
 * Reads the console's and the docs' files on their first request and keeps them, so the
 * api function's init reads nothing (its cold start is measured: docs/benchmarks.md).
 */
export function staticFiles(dirs: StaticAssetDirs) {
  const cache = new Map<string, Promise<StaticFile>>();
  const load = (path: string): Promise<StaticFile> => {
    let file = cache.get(path);
    if (!file) {
      const extension = path.slice(path.lastIndexOf('.') + 1);
      file = readFile(path).then((body) => ({ body, contentType: TYPES[extension] ?? 'application/octet-stream' }));
      // A failed read (a build not made yet) is tried again next time.
      file.catch(() => cache.delete(path));
      cache.set(path, file);
    }
    return file;
  };
  return {
    console(name: string): Promise<StaticFile> | undefined {
      const file = CONSOLE_FILES[name as keyof typeof CONSOLE_FILES];
      return file ? load(join(dirs.console, file)) : undefined;
    },
    docs(name: string): Promise<StaticFile> | undefined {
      const entry = DOCS_FILES[name as keyof typeof DOCS_FILES];
      return entry ? load(join(dirs[entry[0]], entry[1])) : undefined;
    },
  };
}
