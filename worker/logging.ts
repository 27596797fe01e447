// Structured JSON logs (pino) for the worker, with Temporal's own logs routed through the same logger.
import type { LogLevel, LogMetadata } from '@temporalio/worker';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino, type Logger } from 'pino';

let installed: Logger | undefined;

/** Installs the Temporal runtime with a pino-backed logger; safe to call once per process. */
export function installRuntimeLogger(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  if (installed) return installed;
  const logger = pino({ level, base: { service: 'kanflow-worker' } });
  const temporalLevel = level.toUpperCase() as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(temporalLevel, (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method]({ ...meta }, entry.message);
    }),
  });
  installed = logger;
  return logger;
}
