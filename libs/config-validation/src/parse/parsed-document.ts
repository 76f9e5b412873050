import type { PathSegment } from '../problem.js';

/** A 1-based source position. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A successfully parsed config document. `locate` returns the source position
 * of the node at `path` (its key when `target` is `key`), or undefined when the
 * format does not keep positions or the path does not exist.
 */
export interface ParsedDocument {
  readonly value: unknown;
  locate(path: readonly PathSegment[], target?: 'key' | 'value'): SourcePosition | undefined;
}

/** A parse failure with its position when known. */
export interface ParseFailure {
  readonly message: string;
  readonly position?: SourcePosition;
}

/** Either a parsed document or the syntax errors that prevented parsing. */
export type ParseResult = { readonly ok: true; readonly doc: ParsedDocument } | { readonly ok: false; readonly errors: readonly ParseFailure[] };

/** Locator for formats that keep no source positions. */
export const noLocation = (): undefined => undefined;

/** Converts a 0-based offset in `text` to a 1-based line/column. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
