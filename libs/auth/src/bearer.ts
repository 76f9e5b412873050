import { UnauthenticatedError } from './errors.js';

/** RFC 6750 §2.1 b64token: the only characters a bearer token may contain. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Refuse absurd headers before any parsing or crypto work. */
const MAX_HEADER_LENGTH = 16 * 1024;

/**
 * Extracts the token from an `Authorization: Bearer <token>` header (scheme
 * case-insensitive, RFC 7235).
 * @throws {UnauthenticatedError} `missing_header` when the header is absent or
 *   blank, `not_bearer` for another scheme, `malformed` when the token is
 *   empty, too long or has characters a bearer token cannot have.
 */
export function bearerToken(header: string | undefined): string {
  const value = header?.trim() ?? '';
  if (value === '') throw new UnauthenticatedError('missing_header', 'missing Authorization header');
  if (value.length > MAX_HEADER_LENGTH) {
    throw new UnauthenticatedError('malformed', `Authorization header longer than ${MAX_HEADER_LENGTH} characters`);
  }
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    throw new UnauthenticatedError('not_bearer', 'Authorization header is not a bearer token');
  }
  const token = space === -1 ? '' : value.slice(space + 1).trim();
  if (!B64TOKEN.test(token)) {
    throw new UnauthenticatedError('malformed', 'bearer token is empty or contains invalid characters');
  }
  return token;
}
