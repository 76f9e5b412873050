import { isShepherdError } from '@shepherd/errors';
import { RemoteHandlerError } from './errors.js';

/** Headers a responder sets on the reply when its handler threw; both adapters use them. */
export const REPLY_ERROR_HEADERS = Object.freeze({
  code: 'Shepherd-Error-Code',
  kind: 'Shepherd-Error-Kind',
  message: 'Shepherd-Error-Message',
});

const MAX_MESSAGE_LENGTH = 1_000;

/** The reply headers that describe `err` (its stable code and kind; `INTERNAL` for anything else). */
export function errorReplyHeaders(err: unknown): Record<string, string> {
  const shepherd = isShepherdError(err);
  const message = err instanceof Error ? err.message : String(err);
  return {
    [REPLY_ERROR_HEADERS.code]: shepherd ? err.code : 'INTERNAL',
    [REPLY_ERROR_HEADERS.kind]: shepherd ? err.kind : 'internal',
    // header values must stay on one line
    [REPLY_ERROR_HEADERS.message]: message.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, MAX_MESSAGE_LENGTH),
  };
}

/** The error a reply carries, if it is an error reply. */
export function replyError(get: (name: string) => string | undefined, subject: string): RemoteHandlerError | undefined {
  const code = get(REPLY_ERROR_HEADERS.code);
  if (code === undefined || code === '') return undefined;
  const message = get(REPLY_ERROR_HEADERS.message) ?? '';
  return new RemoteHandlerError(`responder on '${subject}' failed: ${message}`, code, get(REPLY_ERROR_HEADERS.kind) ?? 'internal');
}
