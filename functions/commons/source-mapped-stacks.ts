import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Stack traces that name the TypeScript sources (and the dependencies' own files) rather
 * than positions in the minified bundle, like `--enable-source-maps`, but with each chunk's
 * source map read the first time a stack trace through it is formatted, not when the chunk
 * loads. Node (20 and 22) reads and parses the map of every module it loads when
 * `--enable-source-maps` is on, and counts the length of every line: ~15 ms of each cold
 * start's init for maps that only an error's stack needs (docs/benchmarks.md, "Cold start").
 *
 * Imported first by each function's entry, so it is in place before any other module
 * runs. V8 formats a stack when `.stack` is first read (the Lambda runtime's report of an
 * uncaught error, a logger given the error), which is when this runs. It never throws: a
 * frame it cannot map is left as V8 wrote it. With `--enable-source-maps` given anyway,
 * Node maps the stacks itself, and where something else formats stacks already (a test
 * runner's own source-map support) it is left to do so: this does nothing then.
 */
export function mapStacksLazily(): void {
  const current = Error.prepareStackTrace;
  // Node's own formatter is called ErrorPrepareStackTrace (Node 20 and 22 install it).
  if (process.sourceMapsEnabled || (current !== undefined && current.name !== 'ErrorPrepareStackTrace')) return;
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (file: string): SourceMap | null => {
    let map = maps.get(file);
    if (map === undefined) {
      try {
        const path = file.startsWith('file:') ? fileURLToPath(file) : file;
        map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
      } catch {
        map = null;
      }
      maps.set(file, map);
    }
    return map;
  };
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = 'Error';
    }
    return header + frames.map((frame) => `\n    at ${mapped(frame, mapOf)}`).join('');
  };
}

/** V8's text for the frame, with its `file:line:column` replaced by the original source's. */
function mapped(frame: NodeJS.CallSite, mapOf: (file: string) => SourceMap | null): string {
  const text = String(frame);
  try {
    const file = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!file || line === null || column === null || !(file.startsWith('file:') || file.startsWith('/'))) return text;
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry)) return text;
    // Sources are relative to the map, as esbuild writes them.
    const source = new URL(entry.originalSource, file.startsWith('file:') ? file : pathToFileURL(file)).href;
    const location = `${source.startsWith('file:') ? fileURLToPath(source) : source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    const generated = `${file}:${line}:${column}`;
    const at = text.lastIndexOf(generated);
    return at < 0 ? text : text.slice(0, at) + location + text.slice(at + generated.length);
  } catch {
    return text;
  }
}

mapStacksLazily();
