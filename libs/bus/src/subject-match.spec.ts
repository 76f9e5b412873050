import { describe, expect, it } from 'vitest';
import { InvalidNameError, InvalidSubjectError } from './errors.js';
import { subjectIsSubsetOf, subjectMatches, subjectsOverlap, validateName, validateSubject } from './subject-match.js';

describe('subjectMatches', () => {
  it.each([
    ['a.b.c', 'a.b.c', true],
    ['a.b.c', 'a.b', false],
    ['a.b', 'a.b.c', false],
    ['a.*.c', 'a.x.c', true],
    ['a.*.c', 'a.x.y.c', false],
    ['a.*', 'a', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c.d', true],
    ['a.>', 'a', false],
    ['>', 'a.b', true],
    ['*.b.>', 'x.b.y', true],
    ['*.b.>', 'x.c.y', false],
    ['opamp.agent.>', 'opamp.agentx.message', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('subjectIsSubsetOf', () => {
  it.each([
    ['a.b', 'a.>', true],
    ['a.*', 'a.>', true],
    ['a.>', 'a.>', true],
    ['a.>', 'a.*', false],
    ['a.*', 'a.*', true],
    ['a.b', 'a.*', true],
    ['a.*', 'a.b', false],
    ['a', 'a.>', false],
    ['b.c', 'a.>', false],
    ['a.b.c', '>', true],
    ['a.*.c', 'a.*.*', true],
    ['a.*.*', 'a.*.c', false],
  ])('%s within %s: %s', (narrow, wide, expected) => {
    expect(subjectIsSubsetOf(narrow, wide)).toBe(expected);
  });
});

describe('subjectsOverlap', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a.*', 'a.b', true],
    ['a.*', '*.b', true],
    ['a.>', 'a', false],
    ['a.>', 'a.b.c', true],
    ['a.*', 'a.b.c', false],
    ['a.*.c', 'a.b.>', true],
    ['>', 'x', true],
    ['x.y', 'x.y.z', false],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(subjectsOverlap(a, b)).toBe(expected);
    expect(subjectsOverlap(b, a)).toBe(expected);
  });
});

describe('validateSubject', () => {
  it('accepts literal subjects and, where allowed, full-token wildcards', () => {
    expect(() => validateSubject('opamp.agent.message', { wildcards: false })).not.toThrow();
    expect(() => validateSubject('opamp.*.x.>', { wildcards: true })).not.toThrow();
    expect(() => validateSubject('>', { wildcards: true })).not.toThrow();
  });

  it.each([
    ['', true, /empty/],
    ['a..b', true, /empty token/],
    ['.a', true, /empty token/],
    ['a.', true, /empty token/],
    ['a b', true, /whitespace/],
    ['a.b\n', true, /whitespace/],
    ['a.>.b', true, /last token/],
    ['a.b*', true, /inside a token/],
    ['a.*', false, /not allowed/],
    ['a.>', false, /not allowed/],
    ['x'.repeat(1025), false, /longer than/],
  ])('rejects %j (wildcards %s)', (subject, wildcards, why) => {
    const err = (() => {
      try {
        validateSubject(subject, { wildcards }, 'filter subject');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InvalidSubjectError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).toContain('filter subject');
  });
});

describe('validateName', () => {
  it('accepts stream and durable names', () => {
    expect(() => validateName('AGENT_EVENTS', 'stream')).not.toThrow();
    expect(() => validateName('config-service', 'durable')).not.toThrow();
  });

  it.each(['', 'a.b', 'a b', 'a*', 'a>', 'a/b', 'x'.repeat(129)])('rejects %j', (name) => {
    expect(() => validateName(name, 'stream')).toThrow(InvalidNameError);
  });
});
