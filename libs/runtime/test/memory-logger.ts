import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../src/logger.js';
import type { LogLevel } from '../src/log-levels.js';

/** A logger that writes to memory, with accessors for what it wrote. */
export interface MemoryLogger {
  readonly logger: Logger;
  /** Everything written, as raw text. */
  raw(): string;
  /** Every line written, parsed. */
  lines(): Record<string, unknown>[];
}

/** Creates a {@link MemoryLogger} through the real `createLogger` (a pino destination stream). */
export function memoryLogger(level: LogLevel = 'info', name = 'test-service'): MemoryLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ name, level, destination });
  const raw = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    raw()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, lines };
}
