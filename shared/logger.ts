/**
 * The domain's only way to say something happened (a failed delivery, a dead letter, a
 * replay step). Entry points inject the implementation: the Lambda functions pass their
 * Powertools Logger (structured JSON to CloudWatch Logs, which satisfies this shape),
 * local mode a printer of one readable line per event; tests leave the no-op or record.
 * Data passed here must never hold a secret or record contents: only ids, offsets,
 * counts, statuses and error messages.
 */
export interface ActivityLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export const noActivityLogger: ActivityLogger = { info: () => {}, warn: () => {} };
