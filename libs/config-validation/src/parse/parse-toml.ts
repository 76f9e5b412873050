import { parse, TomlError } from 'smol-toml';
import { noLocation, type ParseResult } from './parsed-document.js';

/** Parses TOML; smol-toml reports 1-based line/column on its errors. TOML keeps no node positions. */
export function parseToml(text: string): ParseResult {
  try {
    return { ok: true, doc: { value: parse(text) as unknown, locate: noLocation } };
  } catch (err) {
    if (err instanceof TomlError) {
      const message = (err.message.split('\n')[0] ?? err.message).replace(/^Invalid TOML document: /, '');
      return { ok: false, errors: [{ message, position: { line: err.line, column: err.column } }] };
    }
    return { ok: false, errors: [{ message: err instanceof Error ? err.message : String(err) }] };
  }
}
