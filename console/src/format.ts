/** How the console shows record keys, values and headers; the API is asked for base64 bytes. */
export type View = 'json' | 'text' | 'hex';

const decoder = new TextDecoder('utf-8', { fatal: true });

export function show(bytes: Uint8Array | null, view: View): string {
  if (bytes === null) return 'null';
  if (view === 'hex') return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return `(not UTF-8; ${bytes.length} bytes) ${show(bytes, 'hex')}`;
  }
  if (view === 'text') return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const formatTime = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export const formatMs = (ms: number) => (ms < 0 ? 'forever' : ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms} ms`);

/** A datetime-local input's value (local time) as ms since the epoch. */
export const parseLocalTime = (value: string) => new Date(value).getTime();
