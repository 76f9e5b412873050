import { describe, expect, it } from 'vitest';
import { InvalidSelectorError } from './errors.js';
import { agentTargetKey, firstMismatch, formatSelector, matchesSelector, parseSelector, selectorJson, selectorKey } from './selector.js';

const labelsOnly = (matchLabels: Record<string, string>) => ({ matchLabels, matchExpressions: [] });

describe('parseSelector', () => {
  it('parses the seed document text form "env=test,region=us-west-2"', () => {
    expect(parseSelector('env=test,region=us-west-2')).toEqual(labelsOnly({ env: 'test', region: 'us-west-2' }));
  });

  it('ignores blanks around keys and values and splits on the first "="', () => {
    expect(parseSelector(' env = test , expr=a=b ')).toEqual(labelsOnly({ env: 'test', expr: 'a=b' }));
  });

  it('accepts {match_labels}, {matchLabels} and the seed rollout stage shape {selector: {match_labels}}', () => {
    expect(parseSelector({ match_labels: { env: 'staging' } })).toEqual(labelsOnly({ env: 'staging' }));
    expect(parseSelector({ matchLabels: { env: 'prod', region: 'us-west-1' } })).toEqual(labelsOnly({ env: 'prod', region: 'us-west-1' }));
    expect(parseSelector({ selector: { match_labels: { env: 'prod' } } })).toEqual(labelsOnly({ env: 'prod' }));
  });

  it('accepts an empty matchLabels map, which selects every agent', () => {
    expect(parseSelector({ matchLabels: {} })).toEqual(labelsOnly({}));
  });

  it('parses the Kubernetes text syntax: ==, !=, in, notin, exists and !exists', () => {
    expect(parseSelector('env in (prod, staging),tier notin (a),canary,!legacy,zone==b,arch!=arm')).toEqual({
      matchLabels: { zone: 'b' },
      matchExpressions: [
        { key: 'arch', operator: 'NotIn', values: ['arm'] },
        { key: 'canary', operator: 'Exists', values: [] },
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
        { key: 'tier', operator: 'NotIn', values: ['a'] },
      ],
    });
    expect(parseSelector('env IN (b,a,b)')).toEqual({ matchLabels: {}, matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] });
  });

  it('accepts match_expressions/matchExpressions objects with any-case operators, in canonical order', () => {
    const parsed = parseSelector({
      match_labels: { env: 'prod' },
      match_expressions: [
        { key: 'tier', operator: 'notin', values: ['b', 'a'] },
        { key: 'canary', operator: 'Exists' },
        { key: 'canary', operator: 'Exists', values: [] },
      ],
    });
    expect(parsed).toEqual({
      matchLabels: { env: 'prod' },
      matchExpressions: [
        { key: 'canary', operator: 'Exists', values: [] },
        { key: 'tier', operator: 'NotIn', values: ['a', 'b'] },
      ],
    });
    expect(parseSelector({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }).matchExpressions).toHaveLength(1);
    expect(parseSelector(selectorJson(parsed))).toEqual(parsed);
  });

  it('returns a frozen selector', () => {
    const selector = parseSelector('env=test,tier in (a)');
    expect(Object.isFrozen(selector)).toBe(true);
    expect(Object.isFrozen(selector.matchLabels)).toBe(true);
    expect(Object.isFrozen(selector.matchExpressions)).toBe(true);
    expect(Object.isFrozen(selector.matchExpressions[0]?.values)).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['a b', /"a b" is not one of/],
    ['env in (a', /"env in \(a" is not one of/],
    ['env in (a,,b)', /empty value/],
    ['env=test,', /"" is not one of/],
    ['!', /"!" is not one of/],
    ['=test', /key is empty/],
    ['env=', /value of "env" is empty/],
    ['env!=', /value of "env" is empty/],
    ['env=a,env=b', /"env" appears twice/],
  ])('rejects the text %j with a clear message', (text, message) => {
    expect(() => parseSelector(text)).toThrow(InvalidSelectorError);
    expect(() => parseSelector(text)).toThrow(message);
  });

  it.each([
    [{ matchLabels: { env: 5 } }, /"env" must have a string value, got number/],
    [{ matchLabels: { env: null } }, /got null/],
    [{ matchLabels: ['env'] }, /must be an object/],
    [{ labels: { env: 'x' } }, /each at most once/],
    [{}, /each at most once/],
    [{ matchLabels: {}, match_labels: {} }, /each at most once/],
    [{ matchExpressions: {} }, /must be an array/],
    [{ matchExpressions: ['env'] }, /expression 1 must be an object/],
    [{ matchExpressions: [{ key: 'env', operator: 'Gt', values: ['1'] }] }, /operator "Gt"; use In, NotIn, Exists or DoesNotExist/],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: [] }] }, /In on "env" needs at least one value/],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists', values: ['x'] }] }, /Exists on "env" takes no values/],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: [1] }] }, /must be strings, got number/],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['a'], extra: 1 }] }, /unknown fields \["extra"\]/],
    [{ matchExpressions: [{ operator: 'Exists' }] }, /needs a string "key"/],
    [42, /either text/],
    [null, /either text/],
    [{ matchLabels: { ['k'.repeat(257)]: 'v' } }, /longer than 256/],
    [{ matchLabels: { env: '\ud800' } }, /well-formed/],
    [{ matchLabels: { env: 'a\u0000b' } }, /well-formed/],
  ])('rejects the object %j', (input, message) => {
    expect(() => parseSelector(input)).toThrow(InvalidSelectorError);
    expect(() => parseSelector(input)).toThrow(message);
  });

  it('bounds labels, expressions and values per expression', () => {
    const text = Array.from({ length: 65 }, (_, i) => `k${i}=v`).join(',');
    expect(() => parseSelector(text)).toThrow(/at most 64 labels, got 65/);
    const expressions = Array.from({ length: 33 }, (_, i) => ({ key: `k${i}`, operator: 'Exists' }));
    expect(() => parseSelector({ matchExpressions: expressions })).toThrow(/at most 32 expressions, got 33/);
    const values = Array.from({ length: 65 }, (_, i) => `v${i}`);
    expect(() => parseSelector({ matchExpressions: [{ key: 'k', operator: 'In', values }] })).toThrow(/at most 64 values, got 65/);
  });

  it('carries the stable code CONFIG_INVALID_SELECTOR and kind invalid_argument', () => {
    const err = (() => {
      try {
        parseSelector('no pe');
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
    expect(matchesSelector(parseSelector('toString'), {})).toBe(false);
    expect(matchesSelector(parseSelector('!toString'), {})).toBe(true);
  });

  it.each([
    ['env in (test,prod)', true],
    ['env in (prod)', false],
    ['zone in (a)', false],
    ['env notin (prod)', true],
    ['env notin (test)', false],
    ['zone notin (a)', true],
    ['region', true],
    ['zone', false],
    ['!zone', true],
    ['!region', false],
    ['env!=prod', true],
    ['env!=test', false],
    ['env=test,region in (us-west-1,us-west-2),!canary', true],
  ])('evaluates %j as %s (NotIn and DoesNotExist match an agent without the key)', (text, expected) => {
    expect(matchesSelector(parseSelector(text), labels)).toBe(expected);
  });

  it('names the first term an agent fails', () => {
    expect(firstMismatch(parseSelector('env=test,zone in (a,b)'), labels)).toEqual({ term: 'zone in (a,b)', key: 'zone', actual: null });
    expect(firstMismatch(parseSelector('region=eu'), labels)).toEqual({ term: 'region=eu', key: 'region', actual: 'us-west-2' });
    expect(firstMismatch(parseSelector('env=test'), labels)).toBeUndefined();
  });
});

describe('formatSelector', () => {
  it('formats back to sorted Kubernetes text that parses to the same selector', () => {
    const selector = parseSelector({ matchLabels: { region: 'us-west-2', env: 'test' } });
    expect(formatSelector(selector)).toBe('env=test,region=us-west-2');
    expect(parseSelector(formatSelector(selector))).toEqual(selector);
    const expressions = parseSelector('tier notin (b,a),canary,!legacy,env=prod,zone in (z)');
    expect(formatSelector(expressions)).toBe('env=prod,canary,!legacy,tier notin (a,b),zone in (z)');
    expect(parseSelector(formatSelector(expressions))).toEqual(expressions);
  });
});

describe('selectorKey', () => {
  it('is the same for equal selectors however they were written', () => {
    const a = parseSelector('env=prod,tier in (b,a),canary');
    const b = parseSelector({ match_expressions: [{ key: 'canary', operator: 'exists' }, { key: 'tier', operator: 'In', values: ['a', 'b', 'a'] }], matchLabels: { env: 'prod' } });
    expect(selectorKey(a)).toBe(selectorKey(b));
    expect(selectorKey(a)).not.toBe(selectorKey(parseSelector('env=prod,tier in (a),canary')));
  });

  it('prints jsonb text: keys by length then bytes, ", " and ": " separators', () => {
    expect(selectorKey(parseSelector('region=eu,env=prod'))).toBe('{"matchLabels": {"env": "prod", "region": "eu"}}');
    expect(selectorKey(parseSelector('tier in (a)'))).toBe(
      '{"matchLabels": {}, "matchExpressions": [{"key": "tier", "values": ["a"], "operator": "In"}]}',
    );
  });

  it('keys an agent pin by its lower-case uid', () => {
    expect(agentTargetKey('0190F3C2-7B1E-7CC0-8A1B-2C3D4E5F6A7B')).toBe('agent:0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b');
  });
});
