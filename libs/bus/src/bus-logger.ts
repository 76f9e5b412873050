/**
 * The logging the bus needs; a pino logger satisfies it. Adapters log
 * dropped messages, handler failures and connection changes here.
 */
export interface BusLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that discards everything (the default). */
export const silentLogger: BusLogger = Object.freeze({
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});

export { errorFields } from '@shepherd/errors';
