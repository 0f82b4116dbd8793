import { FreshetError } from '../errors.js';

/** Bad flags or arguments: exit code 2. */
export class UsageError extends Error {}

export type OutputFormat = 'table' | 'json';

export function print(format: OutputFormat, value: unknown, table: () => string): void {
  process.stdout.write(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : `${table()}\n`);
}

/**
 * A plain-text table that fits `width` columns: columns keep their natural width while
 * they fit; otherwise the widest ones are cut with '…' until the row fits. The first
 * column (the id or name a user copies into the next command) is never cut.
 */
export function table(headers: string[], rows: (string | number | null | undefined)[][], width = 80): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const gap = 2;
  while (widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) > width) {
    const rest = widths.slice(1);
    const widest = 1 + rest.indexOf(Math.max(...rest));
    if (widths.length < 2 || widths[widest]! <= 6) break;
    widths[widest]!--;
  }
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  return cells.map((r) => r.map((c, i) => fit(c, widths[i]!)).join(' '.repeat(gap)).trimEnd()).join('\n');
}

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z') : null);

/** What the user sees for an error: the problem's title and detail, never a stack. */
export function describeError(err: unknown): string {
  if (err instanceof FreshetError) return `${err.title}: ${err.detail || err.code}${err.status ? ` (${err.status} ${err.code})` : ''}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** earliest | latest | <offset> | <ISO time or ms> for --from / --to flags. */
export type Position = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

export function parsePosition(text: string, flag: string): Position {
  if (text === 'earliest' || text === 'latest') return text;
  if (/^\d+$/.test(text)) return { offset: Number(text) };
  return { timestamp: parseTime(text, flag) };
}

export function parseTime(text: string, flag: string): number {
  if (/^\d{10,}$/.test(text)) return Number(text);
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`${flag}: '${text}' is not earliest, latest, an offset or an ISO time`);
  return t;
}

export function parseIntFlag(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a non-negative integer, not '${text}'`);
  return Number(text);
}
