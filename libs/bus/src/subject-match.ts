import { InvalidNameError, InvalidSubjectError } from './errors.js';

/** Longest subject accepted; NATS limits the whole protocol line, this keeps us well inside it. */
export const MAX_SUBJECT_LENGTH = 1024;

const FORBIDDEN_IN_TOKEN = /[\s*>]/;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks NATS subject syntax: non-empty dot-separated tokens without
 * whitespace. With `wildcards`, a token may be exactly `*` (one token) or,
 * as the last token, `>` (one or more tokens). `*` and `>` are never allowed
 * inside a literal token, which keeps literal and pattern subjects apart.
 * @throws InvalidSubjectError naming `what` and the subject
 */
export function validateSubject(subject: string, options: { wildcards: boolean }, what = 'subject'): void {
  const fail = (why: string): never => {
    throw new InvalidSubjectError(`invalid ${what} '${subject}': ${why}`);
  };
  if (typeof subject !== 'string' || subject.length === 0) fail('empty');
  if (subject.length > MAX_SUBJECT_LENGTH) fail(`longer than ${MAX_SUBJECT_LENGTH} characters`);
  const tokens = subject.split('.');
  tokens.forEach((token, i) => {
    if (token.length === 0) fail('empty token');
    if (token === '*' || token === '>') {
      if (!options.wildcards) fail('wildcards are not allowed here');
      if (token === '>' && i !== tokens.length - 1) fail("'>' must be the last token");
      return;
    }
    if (FORBIDDEN_IN_TOKEN.test(token)) fail("whitespace, '*' or '>' inside a token");
  });
}

/**
 * Checks a stream, durable or queue-group name: 1-128 characters from
 * letters, digits, `_` and `-` (valid on every NATS version).
 * @throws InvalidNameError naming `what`
 */
export function validateName(name: string, what: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new InvalidNameError(`invalid ${what} '${String(name)}': use 1-128 letters, digits, '_' or '-'`);
  }
}

/** True when the literal `subject` matches `pattern` under NATS wildcard rules. Both must be valid. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when every subject matched by `narrow` is also matched by `wide` (both patterns). */
export function subjectIsSubsetOf(narrow: string, wide: string): boolean {
  const n = narrow.split('.');
  const w = wide.split('.');
  for (let i = 0; i < w.length; i++) {
    const wt = w[i];
    if (wt === '>') return n.length > i;
    const nt = n[i];
    if (nt === undefined || nt === '>') return false;
    if (wt === '*') continue;
    if (nt !== wt) return false;
  }
  return n.length === w.length;
}

/** True when at least one literal subject matches both patterns. */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const xt = x[i];
    const yt = y[i];
    if (xt === undefined || yt === undefined) return false;
    if (xt === '>' || yt === '>') return true;
    if (xt !== '*' && yt !== '*' && xt !== yt) return false;
  }
  return true;
}
