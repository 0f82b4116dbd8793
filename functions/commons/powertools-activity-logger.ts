import type { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { ActivityLogger } from '../../shared/logger.js';

/** The domain's ActivityLogger on a function's Powertools Logger: one structured JSON line per event. */
export function powertoolsActivityLogger(logger: Logger): ActivityLogger {
  return {
    info: (message, data = {}) => logger.info(message, data as LogAttributes),
    warn: (message, data = {}) => logger.warn(message, data as LogAttributes),
  };
}
