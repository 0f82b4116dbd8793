import type { ActivityLogger } from '../../shared/logger.js';

/**
 * Local mode's ActivityLogger: one readable line per event, for a person watching the
 * terminal, e.g. `12:00:01 WARN delivery failed, will retry  subscription=01J… partition=0 status=500`.
 * Values with spaces or quotes are JSON-quoted so a line stays one line.
 */
export function lineLogger(write: (line: string) => void = (line) => console.log(line)): ActivityLogger {
  const print = (level: string, message: string, data: Record<string, unknown> = {}) => {
    const time = new Date().toISOString().slice(11, 19);
    const fields = Object.entries(data)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`);
    write([`${time} ${level} ${message}`, ...fields].join('  ').replace(/[\r\n]+/g, ' '));
  };
  return {
    info: (message, data) => print('INFO', message, data),
    warn: (message, data) => print('WARN', message, data),
  };
}
