import { isShepherdError } from '@shepherd/errors';

/** The logging the GitOps source needs; a pino logger satisfies it. */
export interface GitopsLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * A loggable, status-safe view of a thrown value: its stable code and message, never the cause
 * chain (which may quote a request) and never a secret (the token is only ever in a header).
 */
export function errorView(err: unknown): { code: string; message: string } {
  if (isShepherdError(err)) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
