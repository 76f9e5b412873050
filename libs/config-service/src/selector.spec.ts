import { describe, expect, it } from 'vitest';
import { InvalidSelectorError } from './errors.js';
import { formatSelector, matchesSelector, parseSelector } from './selector.js';

describe('parseSelector', () => {
  it('parses the seed document text form "env=test,region=us-west-2"', () => {
    expect(parseSelector('env=test,region=us-west-2')).toEqual({ matchLabels: { env: 'test', region: 'us-west-2' } });
  });

  it('ignores blanks around keys and values and splits on the first "="', () => {
    expect(parseSelector(' env = test , expr=a=b ')).toEqual({ matchLabels: { env: 'test', expr: 'a=b' } });
  });

  it('accepts {match_labels}, {matchLabels} and the seed rollout stage shape {selector: {match_labels}}', () => {
    expect(parseSelector({ match_labels: { env: 'staging' } })).toEqual({ matchLabels: { env: 'staging' } });
    expect(parseSelector({ matchLabels: { env: 'prod', region: 'us-west-1' } })).toEqual({
      matchLabels: { env: 'prod', region: 'us-west-1' },
    });
    expect(parseSelector({ selector: { match_labels: { env: 'prod' } } })).toEqual({ matchLabels: { env: 'prod' } });
  });

  it('accepts an empty matchLabels map, which selects every agent', () => {
    expect(parseSelector({ matchLabels: {} })).toEqual({ matchLabels: {} });
  });

  it('returns a frozen selector', () => {
    const selector = parseSelector('env=test');
    expect(Object.isFrozen(selector)).toBe(true);
    expect(Object.isFrozen(selector.matchLabels)).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['env', /"env" has no "="/],
    ['env=test,region', /"region" has no "="/],
    ['=test', /key is empty/],
    ['env=', /value of "env" is empty/],
    ['env=a,env=b', /"env" appears twice/],
  ])('rejects the text %j with a clear message', (text, message) => {
    expect(() => parseSelector(text)).toThrow(InvalidSelectorError);
    expect(() => parseSelector(text)).toThrow(message);
  });

  it.each([
    [{ matchLabels: { env: 5 } }, /"env" must have a string value, got number/],
    [{ matchLabels: { env: null } }, /got null/],
    [{ matchLabels: ['env'] }, /must be an object/],
    [{ labels: { env: 'x' } }, /exactly one key/],
    [{ matchLabels: {}, match_labels: {} }, /exactly one key/],
    [42, /either text/],
    [null, /either text/],
    [{ matchLabels: { ['k'.repeat(257)]: 'v' } }, /longer than 256/],
    [{ matchLabels: { env: '\ud800' } }, /well-formed/],
  ])('rejects the object %j', (input, message) => {
    expect(() => parseSelector(input)).toThrow(InvalidSelectorError);
    expect(() => parseSelector(input)).toThrow(message);
  });

  it('rejects more than 64 labels', () => {
    const text = Array.from({ length: 65 }, (_, i) => `k${i}=v`).join(',');
    expect(() => parseSelector(text)).toThrow(/at most 64 labels, got 65/);
  });

  it('carries the stable code CONFIG_INVALID_SELECTOR and kind invalid_argument', () => {
    const err = (() => {
      try {
        parseSelector('nope');
      } catch (e) {
        return e;
      }
      return undefined;
    })() as InvalidSelectorError;
    expect(err.code).toBe('CONFIG_INVALID_SELECTOR');
    expect(err.kind).toBe('invalid_argument');
  });
});

describe('matchesSelector', () => {
  const labels = { env: 'test', region: 'us-west-2', 'service.name': 'otelcol' };

  it('matches when every selector pair is present with the same value', () => {
    expect(matchesSelector(parseSelector('env=test,region=us-west-2'), labels)).toBe(true);
    expect(matchesSelector(parseSelector('service.name=otelcol'), labels)).toBe(true);
  });

  it('does not match a different value, a missing key, or a different case', () => {
    expect(matchesSelector(parseSelector('env=prod'), labels)).toBe(false);
    expect(matchesSelector(parseSelector('env=test,zone=a'), labels)).toBe(false);
    expect(matchesSelector(parseSelector('env=TEST'), labels)).toBe(false);
  });

  it('matches every agent with an empty selector, and ignores inherited properties', () => {
    expect(matchesSelector(parseSelector({ matchLabels: {} }), {})).toBe(true);
    expect(matchesSelector(parseSelector('toString=x'), {})).toBe(false);
  });
});

describe('formatSelector', () => {
  it('formats back to sorted text that parses to the same selector', () => {
    const selector = parseSelector({ matchLabels: { region: 'us-west-2', env: 'test' } });
    expect(formatSelector(selector)).toBe('env=test,region=us-west-2');
    expect(parseSelector(formatSelector(selector))).toEqual(selector);
  });
});
