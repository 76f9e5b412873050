import type { ErrorKind } from './error-kind.js';

/** Options accepted by every {@link ShepherdError} constructor. */
export interface ShepherdErrorOptions {
  /** The lower-level error that caused this one; kept for logs, never sent to clients. */
  cause?: unknown;
}

/**
 * Base class of every error Shepherd raises on purpose.
 *
 * Contract: `code` is stable across releases (clients and alerts may match on
 * it); `kind` decides how the error is answered on each protocol (see
 * {@link responseFor}); `message` is for humans and may change.
 */
export abstract class ShepherdError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;

  constructor(message: string, options: ShepherdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** A JSON-safe view for API responses: no stack, no cause. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True when `err` is a {@link ShepherdError} (also across duplicated module copies). */
export function isShepherdError(err: unknown): err is ShepherdError {
  return (
    err instanceof ShepherdError ||
    (err instanceof Error &&
      typeof (err as { code?: unknown }).code === 'string' &&
      typeof (err as { kind?: unknown }).kind === 'string')
  );
}
