import { InvalidSelectorError } from './errors.js';
import { parseSelectorText } from './selector-text.js';
import { isWellFormedText } from './well-formed-text.js';

/** The Kubernetes set-based operators. `NotIn` and `DoesNotExist` match an agent without the key. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One set-based requirement: `values` is non-empty for `In`/`NotIn` and empty otherwise. */
export interface SelectorExpression {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted, without duplicates. */
  readonly values: readonly string[];
}

/**
 * Agents whose labels contain every pair of `matchLabels` and satisfy every expression (an
 * empty selector selects every agent). Parsed selectors are canonical: expressions sorted and
 * without duplicates, values sorted, so equal selectors compare equal.
 */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly SelectorExpression[];
}

/** Longest label key or value accepted, in characters. */
export const MAX_LABEL_LENGTH = 256;
/** Most pairs in one selector's `matchLabels`. */
export const MAX_SELECTOR_LABELS = 64;
/** Most expressions in one selector. */
export const MAX_SELECTOR_EXPRESSIONS = 32;
/** Most values in one `In`/`NotIn` expression. */
export const MAX_EXPRESSION_VALUES = 64;

const OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  in: 'In',
  notin: 'NotIn',
  exists: 'Exists',
  doesnotexist: 'DoesNotExist',
};
const LABEL_KEYS = new Set(['matchLabels', 'match_labels']);
const EXPRESSION_KEYS = new Set(['matchExpressions', 'match_expressions']);

/** A selector before validation: what the text and object forms produce. */
export interface RawSelector {
  readonly labels: Record<string, unknown>;
  readonly expressions: readonly unknown[];
}

/**
 * Parses what users paste as a target into a frozen, canonical {@link LabelSelector}:
 * - Kubernetes text: requirements separated by `,`: `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 *   `k notin (a,b)`, `k` (exists), `!k` (does not exist); blanks around terms ignored, and
 *   `k=v` splits on the first `=` (so `expr=a=b` has the value `a=b`);
 * - objects `{ "match_labels"|"matchLabels": {...}, "match_expressions"|"matchExpressions":
 *   [{"key", "operator", "values"}] }` (either part may be left out, not both), also wrapped as
 *   `{ "selector": ... }` (the seed document's rollout stages). Operators are `In`, `NotIn`,
 *   `Exists`, `DoesNotExist` (any case).
 * @throws InvalidSelectorError naming what is wrong: empty text, a malformed requirement, an
 *   empty key or value, a repeated label key, a non-string value, unknown object keys, an
 *   unknown operator, values on Exists/DoesNotExist or none on In/NotIn, too many terms or values.
 */
export function parseSelector(input: unknown): LabelSelector {
  if (typeof input === 'string') return freezeSelector(parseSelectorText(input));
  if (isPlainObject(input)) return freezeSelector(parseSelectorObject(input));
  throw new InvalidSelectorError(
    'a selector is either text like "env=test,region in (us-west-1,us-west-2)" or an object like {"match_labels": {"env": "test"}}',
  );
}

/**
 * True when `labels` satisfies the selector: every `matchLabels` pair present with exactly the
 * same value, and every expression true. Case-sensitive, no wildcards. The twin of the SQL
 * function `selector_matches` (migration 0003); a test keeps them in agreement.
 */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return firstMismatch(selector, labels) === undefined;
}

/** The first term of a selector an agent's labels fail, for explanations. */
export interface SelectorMismatch {
  /** The term in text form, e.g. `env=prod` or `tier notin (a,b)`. */
  readonly term: string;
  readonly key: string;
  /** The agent's value for the key; `null` when it lacks the key. */
  readonly actual: string | null;
}

/** The first term (matchLabels pairs by key, then expressions) `labels` fails; `undefined` when it matches. */
export function firstMismatch(selector: LabelSelector, labels: Readonly<Record<string, string>>): SelectorMismatch | undefined {
  const valueOf = (key: string): string | null => (Object.prototype.hasOwnProperty.call(labels, key) ? (labels[key] ?? null) : null);
  for (const key of Object.keys(selector.matchLabels).sort()) {
    const actual = valueOf(key);
    if (actual !== selector.matchLabels[key]) return { term: `${key}=${selector.matchLabels[key] ?? ''}`, key, actual };
  }
  for (const expression of selector.matchExpressions) {
    const actual = valueOf(expression.key);
    if (!expressionHolds(expression, actual)) return { term: formatExpression(expression), key: expression.key, actual };
  }
  return undefined;
}

function expressionHolds(expression: SelectorExpression, actual: string | null): boolean {
  switch (expression.operator) {
    case 'In':
      return actual !== null && expression.values.includes(actual);
    case 'NotIn':
      return actual === null || !expression.values.includes(actual);
    case 'Exists':
      return actual !== null;
    case 'DoesNotExist':
      return actual === null;
  }
}

/** Formats a selector as Kubernetes text (`k=v` pairs sorted by key, then the expressions). */
export function formatSelector(selector: LabelSelector): string {
  const pairs = Object.keys(selector.matchLabels)
    .sort()
    .map((key) => `${key}=${selector.matchLabels[key] ?? ''}`);
  return [...pairs, ...selector.matchExpressions.map(formatExpression)].join(',');
}

function formatExpression(expression: SelectorExpression): string {
  switch (expression.operator) {
    case 'In':
      return `${expression.key} in (${expression.values.join(',')})`;
    case 'NotIn':
      return `${expression.key} notin (${expression.values.join(',')})`;
    case 'Exists':
      return expression.key;
    case 'DoesNotExist':
      return `!${expression.key}`;
  }
}

/** The JSON the store and the bus carry: `matchExpressions` only when there are any. */
export function selectorJson(selector: LabelSelector): { matchLabels: Record<string, string>; matchExpressions?: SelectorExpression[] } {
  const matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions.length === 0) return { matchLabels };
  return { matchLabels, matchExpressions: selector.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: [...e.values] })) };
}

/**
 * The canonical text of a selector target (`config_assignments.target_key`): the assignments
 * of one target form its history, and a new one supersedes the active one.
 *
 * It is exactly PostgreSQL's `jsonb::text` of the stored selector JSON ({@link selectorJson}),
 * so keys written by migration 0003 (`selector::text`) and by this function agree; a test
 * checks it on both engines. Equal selectors (as parsed: canonical) give equal keys.
 */
export function selectorKey(selector: LabelSelector): string {
  return jsonbText(selectorJson(selector));
}

/** The target key of a per-agent assignment (a pin). */
export function agentTargetKey(instanceUid: string): string {
  return `agent:${instanceUid.toLowerCase()}`;
}

// jsonb stores object keys ordered by byte length, then bytes, and prints `{"k": v, "k2": v2}`.
function jsonbText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => compareJsonbKeys(a, b));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}: ${jsonbText(member)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function compareJsonbKeys(a: string, b: string): number {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length ? Buffer.compare(left, right) : left.length - right.length;
}

function parseSelectorObject(input: Record<string, unknown>): RawSelector {
  const keys = Object.keys(input);
  if (keys.length === 1 && keys[0] === 'selector' && isPlainObject(input['selector'])) {
    return parseSelectorObject(input['selector']);
  }
  const labelKeys = keys.filter((key) => LABEL_KEYS.has(key));
  const expressionKeys = keys.filter((key) => EXPRESSION_KEYS.has(key));
  const unknown = keys.filter((key) => !LABEL_KEYS.has(key) && !EXPRESSION_KEYS.has(key));
  if (unknown.length > 0 || labelKeys.length > 1 || expressionKeys.length > 1 || keys.length === 0) {
    throw new InvalidSelectorError(
      `a selector object has "matchLabels" (or "match_labels") and/or "matchExpressions" (or "match_expressions"), each at most once; got ${JSON.stringify(keys)}`,
    );
  }
  const labels = labelKeys[0] === undefined ? {} : input[labelKeys[0]];
  if (!isPlainObject(labels)) throw new InvalidSelectorError(`${labelKeys[0] as string} must be an object of label -> value`);
  const expressions = expressionKeys[0] === undefined ? [] : input[expressionKeys[0]];
  if (!Array.isArray(expressions)) {
    throw new InvalidSelectorError(`${expressionKeys[0] as string} must be an array of {"key", "operator", "values"}`);
  }
  return { labels, expressions };
}

function freezeSelector(raw: RawSelector): LabelSelector {
  const entries = Object.entries(raw.labels);
  if (entries.length > MAX_SELECTOR_LABELS) {
    throw new InvalidSelectorError(`a selector has at most ${MAX_SELECTOR_LABELS} labels, got ${entries.length}`);
  }
  if (raw.expressions.length > MAX_SELECTOR_EXPRESSIONS) {
    throw new InvalidSelectorError(`a selector has at most ${MAX_SELECTOR_EXPRESSIONS} expressions, got ${raw.expressions.length}`);
  }
  const matchLabels: Record<string, string> = {};
  for (const [key, value] of entries.sort(([a], [b]) => compareText(a, b))) {
    checkLabel('key', key);
    if (typeof value !== 'string') {
      throw new InvalidSelectorError(`selector label ${JSON.stringify(key)} must have a string value, got ${typeOf(value)}`);
    }
    checkLabel(`value of ${JSON.stringify(key)}`, value);
    matchLabels[key] = value;
  }
  const byText = new Map<string, SelectorExpression>();
  for (const [index, item] of raw.expressions.entries()) {
    const expression = checkExpression(item, index);
    byText.set(JSON.stringify([expression.key, expression.operator, expression.values]), expression);
  }
  const matchExpressions = [...byText.entries()].sort(([a], [b]) => compareText(a, b)).map(([, expression]) => expression);
  return Object.freeze({ matchLabels: Object.freeze(matchLabels), matchExpressions: Object.freeze(matchExpressions) });
}

function checkExpression(item: unknown, index: number): SelectorExpression {
  const where = `selector expression ${index + 1}`;
  if (!isPlainObject(item)) throw new InvalidSelectorError(`${where} must be an object {"key", "operator", "values"}`);
  const unknown = Object.keys(item).filter((key) => key !== 'key' && key !== 'operator' && key !== 'values');
  if (unknown.length > 0) throw new InvalidSelectorError(`${where} has unknown fields ${JSON.stringify(unknown)}`);
  const { key, operator: rawOperator, values: rawValues = [] } = item;
  if (typeof key !== 'string') throw new InvalidSelectorError(`${where} needs a string "key"`);
  checkLabel(`key of ${where}`, key);
  const operator = typeof rawOperator === 'string' ? OPERATORS[rawOperator.toLowerCase()] : undefined;
  if (operator === undefined) {
    throw new InvalidSelectorError(`${where} (${JSON.stringify(key)}) has operator ${JSON.stringify(rawOperator)}; use In, NotIn, Exists or DoesNotExist`);
  }
  if (!Array.isArray(rawValues)) throw new InvalidSelectorError(`values of ${where} (${JSON.stringify(key)}) must be an array of strings`);
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && rawValues.length === 0) throw new InvalidSelectorError(`${operator} on ${JSON.stringify(key)} needs at least one value`);
  if (!needsValues && rawValues.length > 0) throw new InvalidSelectorError(`${operator} on ${JSON.stringify(key)} takes no values`);
  if (rawValues.length > MAX_EXPRESSION_VALUES) {
    throw new InvalidSelectorError(`${operator} on ${JSON.stringify(key)} has at most ${MAX_EXPRESSION_VALUES} values, got ${rawValues.length}`);
  }
  for (const value of rawValues) {
    if (typeof value !== 'string') throw new InvalidSelectorError(`values of ${JSON.stringify(key)} must be strings, got ${typeOf(value)}`);
    checkLabel(`value of ${JSON.stringify(key)}`, value);
  }
  const values = [...new Set(rawValues as string[])].sort(compareText);
  return Object.freeze({ key, operator, values: Object.freeze(values) });
}

function checkLabel(what: string, text: string): void {
  if (text === '') throw new InvalidSelectorError(`selector label ${what} is empty`);
  if (text.length > MAX_LABEL_LENGTH) {
    throw new InvalidSelectorError(`selector label ${what} is longer than ${MAX_LABEL_LENGTH} characters`);
  }
  // PostgreSQL text and jsonb cannot hold NUL, so such a selector could never be stored.
  if (!isWellFormedText(text) || text.includes('\u0000')) {
    throw new InvalidSelectorError(`selector label ${what} is not well-formed Unicode text`);
  }
}

/** Code-unit order: deterministic everywhere, unlike `localeCompare`. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
