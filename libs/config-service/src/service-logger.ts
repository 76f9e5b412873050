/** The logging the config service needs; a pino logger satisfies it. */
export interface ServiceLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export { errorFields } from '@shepherd/errors';
