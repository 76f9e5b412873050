import { InvalidSelectorError } from './errors.js';
import { isWellFormedText } from './well-formed-text.js';

/** Agents whose labels contain every pair of `matchLabels` (an empty map selects every agent). */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
}

/** Longest label key or value accepted, in characters. */
export const MAX_LABEL_LENGTH = 256;
/** Most pairs in one selector. */
export const MAX_SELECTOR_LABELS = 64;

/**
 * Parses what users paste as a target into a frozen {@link LabelSelector}:
 * - text `"env=test,region=us-west-2"` (pairs separated by `,`, key and value by the first `=`,
 *   blanks around them ignored);
 * - `{ "match_labels": {...} }` or `{ "matchLabels": {...} }`, also wrapped as `{ "selector": ... }`
 *   (the seed document's rollout stages).
 * @throws InvalidSelectorError naming what is wrong: empty text, a pair without `=`, an empty
 *   key or value, a repeated key, a non-string value, unknown object keys, too many pairs.
 */
export function parseSelector(input: unknown): LabelSelector {
  if (typeof input === 'string') return freezeSelector(parseSelectorText(input));
  if (isPlainObject(input)) return freezeSelector(parseSelectorObject(input));
  throw new InvalidSelectorError(
    'a selector is either text like "env=test,region=us-west-2" or an object like {"match_labels": {"env": "test"}}',
  );
}

/**
 * True when `labels` holds every pair of the selector with exactly the same value.
 * Matching is case-sensitive and needs no wildcard.
 */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector.matchLabels).every(
    ([key, value]) => Object.prototype.hasOwnProperty.call(labels, key) && labels[key] === value,
  );
}

/** Formats a selector back into the text form (`k=v,k2=v2`, keys sorted). */
export function formatSelector(selector: LabelSelector): string {
  return Object.keys(selector.matchLabels)
    .sort()
    .map((key) => `${key}=${selector.matchLabels[key] ?? ''}`)
    .join(',');
}

function parseSelectorText(text: string): Record<string, string> {
  if (text.trim() === '') {
    throw new InvalidSelectorError('the selector text is empty; use {"matchLabels": {}} to select every agent');
  }
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) throw new InvalidSelectorError(`selector pair ${JSON.stringify(part.trim())} has no "=" (expected key=value)`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (Object.prototype.hasOwnProperty.call(labels, key)) {
      throw new InvalidSelectorError(`selector key ${JSON.stringify(key)} appears twice`);
    }
    labels[key] = value;
  }
  return labels;
}

function parseSelectorObject(input: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(input);
  if (keys.length === 1 && keys[0] === 'selector' && isPlainObject(input['selector'])) {
    return parseSelectorObject(input['selector']);
  }
  const unknown = keys.filter((key) => key !== 'matchLabels' && key !== 'match_labels');
  if (unknown.length > 0 || keys.length !== 1) {
    throw new InvalidSelectorError(
      `a selector object has exactly one key, "matchLabels" or "match_labels"; got ${JSON.stringify(keys)}`,
    );
  }
  const labels = input[keys[0] as string];
  if (!isPlainObject(labels)) throw new InvalidSelectorError(`${keys[0] as string} must be an object of label -> value`);
  return labels;
}

function freezeSelector(labels: Record<string, unknown>): LabelSelector {
  const entries = Object.entries(labels);
  if (entries.length > MAX_SELECTOR_LABELS) {
    throw new InvalidSelectorError(`a selector has at most ${MAX_SELECTOR_LABELS} labels, got ${entries.length}`);
  }
  const matchLabels: Record<string, string> = {};
  for (const [key, value] of entries) {
    checkLabel('key', key);
    if (typeof value !== 'string') {
      throw new InvalidSelectorError(`selector label ${JSON.stringify(key)} must have a string value, got ${typeOf(value)}`);
    }
    checkLabel(`value of ${JSON.stringify(key)}`, value);
    matchLabels[key] = value;
  }
  return Object.freeze({ matchLabels: Object.freeze(matchLabels) });
}

function checkLabel(what: string, text: string): void {
  if (text === '') throw new InvalidSelectorError(`selector label ${what} is empty`);
  if (text.length > MAX_LABEL_LENGTH) {
    throw new InvalidSelectorError(`selector label ${what} is longer than ${MAX_LABEL_LENGTH} characters`);
  }
  if (!isWellFormedText(text)) throw new InvalidSelectorError(`selector label ${what} is not well-formed Unicode`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
