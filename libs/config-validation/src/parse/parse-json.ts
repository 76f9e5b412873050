import { parseYaml } from './parse-yaml.js';
import { noLocation, positionAt, type ParseResult, type SourcePosition } from './parsed-document.js';

/**
 * Parses JSON with JSON.parse (strict) and turns its error into a line/column.
 * V8 messages differ between Node versions and some carry no position, so the
 * YAML parser (a JSON superset) is asked where it fails as a fallback. Valid
 * JSON is re-read with the YAML parser to get node positions for later checks.
 */
export function parseJson(text: string): ParseResult {
  try {
    JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [{ message, position: jsonErrorPosition(text, message) }] };
  }
  const located = parseYaml(text);
  if (located.ok) return located;
  return { ok: true, doc: { value: JSON.parse(text) as unknown, locate: noLocation } };
}

function jsonErrorPosition(text: string, message: string): SourcePosition | undefined {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const pos = /at position (\d+)/.exec(message);
  if (pos) return positionAt(text, Number(pos[1]));
  if (/end of (JSON|data) input/i.test(message)) return positionAt(text, text.length);
  const fallback = parseYaml(text);
  return fallback.ok ? undefined : fallback.errors[0]?.position;
}
