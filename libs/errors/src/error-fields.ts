/**
 * A loggable view of a thrown value for structured logs (`logger.warn({ ...errorFields(err) }, msg)`):
 * `{ err: { name, message, code? } }` for an Error, `{ err: String(value) }` otherwise. Never the
 * stack or the cause chain, which may quote requests or credentials.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { err: { name: err.name, message: err.message, ...(code === undefined ? {} : { code }) } };
  }
  return { err: String(err) };
}
