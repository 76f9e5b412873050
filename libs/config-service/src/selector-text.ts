import { InvalidSelectorError } from './errors.js';
import type { RawSelector } from './selector.js';

// `key in (a,b)` / `key notin (a,b)`, anchored where the previous requirement ended.
const SET_REQUIREMENT = /\s*([^\s,()!=]+)\s+(in|notin)\s*\(([^()]*)\)\s*(?:,|$)/iy;
const BARE_KEY = /^[^\s,()!=]+$/;
const FORMS = 'key=value, key==value, key!=value, key in (v1,v2), key notin (v1,v2), key or !key';

/**
 * Splits Kubernetes selector text into label pairs and expressions (not yet validated beyond
 * syntax). Commas separate requirements except inside the parentheses of `in`/`notin`.
 * @throws InvalidSelectorError for empty text, a malformed requirement or a repeated label key
 */
export function parseSelectorText(text: string): RawSelector {
  if (text.trim() === '') {
    throw new InvalidSelectorError('the selector text is empty; use {"matchLabels": {}} to select every agent');
  }
  const labels: Record<string, unknown> = {};
  const expressions: unknown[] = [];
  let position = 0;
  while (position <= text.length) {
    SET_REQUIREMENT.lastIndex = position;
    const set = SET_REQUIREMENT.exec(text);
    if (set !== null) {
      const [, key, operator, list] = set as unknown as [string, string, string, string];
      const values = list.split(',').map((value) => value.trim());
      if (values.some((value) => value === '')) {
        throw new InvalidSelectorError(`selector requirement ${JSON.stringify(set[0].trim())} has an empty value`);
      }
      expressions.push({ key, operator: operator.toLowerCase() === 'in' ? 'In' : 'NotIn', values });
      position = SET_REQUIREMENT.lastIndex;
      if (position >= text.length && !set[0].trimEnd().endsWith(',')) break;
      continue;
    }
    const comma = text.indexOf(',', position);
    const end = comma === -1 ? text.length : comma;
    addRequirement(text.slice(position, end).trim(), labels, expressions);
    if (comma === -1) break;
    position = comma + 1;
  }
  return { labels, expressions };
}

function addRequirement(part: string, labels: Record<string, unknown>, expressions: unknown[]): void {
  const eq = part.indexOf('=');
  if (eq === -1) {
    const negated = part.startsWith('!');
    const key = (negated ? part.slice(1) : part).trim();
    if (!BARE_KEY.test(key)) {
      throw new InvalidSelectorError(`selector requirement ${JSON.stringify(part)} is not one of: ${FORMS}`);
    }
    expressions.push({ key, operator: negated ? 'DoesNotExist' : 'Exists', values: [] });
    return;
  }
  if (eq > 0 && part[eq - 1] === '!') {
    expressions.push({ key: part.slice(0, eq - 1).trim(), operator: 'NotIn', values: [part.slice(eq + 1).trim()] });
    return;
  }
  const key = part.slice(0, eq).trim();
  const value = part.slice(part[eq + 1] === '=' ? eq + 2 : eq + 1).trim();
  if (Object.prototype.hasOwnProperty.call(labels, key)) {
    throw new InvalidSelectorError(`selector key ${JSON.stringify(key)} appears twice`);
  }
  labels[key] = value;
}
