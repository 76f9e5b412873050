import { InvalidAgentQueryError, InvalidConfigError } from './errors.js';

/** Longest tenant id, author, name or label accepted. */
export const MAX_SHORT_TEXT = 256;
/** Longest description or reason accepted. */
export const MAX_DESCRIPTION = 4096;

type InputErrorClass = typeof InvalidConfigError | typeof InvalidAgentQueryError;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant id, checked. @throws ErrorClass when it is not a non-empty string of at most 256 characters */
export function requireTenant(tenantId: unknown, ErrorClass: InputErrorClass = InvalidConfigError): string {
  if (typeof tenantId !== 'string' || tenantId === '' || tenantId.length > MAX_SHORT_TEXT) {
    throw new ErrorClass(`tenantId must be a non-empty string of at most ${MAX_SHORT_TEXT} characters`);
  }
  return tenantId;
}

/** Who makes a change, checked. @throws InvalidConfigError when not a non-empty string of at most 256 characters */
export function requireAuthor(author: unknown): string {
  if (typeof author !== 'string' || author === '' || author.length > MAX_SHORT_TEXT) {
    throw new InvalidConfigError(`author must be a non-empty string of at most ${MAX_SHORT_TEXT} characters`);
  }
  return author;
}

/** An optional text field: `null` when absent or empty. @throws InvalidConfigError naming the field */
export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max || value.includes('\u0000')) {
    throw new InvalidConfigError(`${field} must be a string of at most ${max} characters without NUL`);
  }
  return value;
}

/** A canonical lower-case instance uid. @throws InvalidAgentQueryError naming `what` */
export function canonicalUid(text: unknown, what: string): string {
  if (typeof text !== 'string' || !UUID.test(text)) {
    throw new InvalidAgentQueryError(`${what} must be a UUID like 0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b`);
  }
  return text.toLowerCase();
}
