import { OttlSyntaxError } from './ottl-syntax-error.js';

/** Token kinds of the OTTL subset we check. */
export type TokenKind = 'ident' | 'string' | 'int' | 'float' | 'bytes' | 'punct' | 'op' | 'eof';

/** One token; `start` is the 0-based offset in the statement. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', '.', ':']);
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=']);
const ONE_CHAR_OPS = new Set(['<', '>', '+', '-', '*', '/', '=']);
const ESCAPES = new Set(['"', '\\', 'n', 't', 'r', '/', 'b', 'f', 'u']);

/** Splits an OTTL statement into tokens; throws {@link OttlSyntaxError} on a bad character or string. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      i = readString(src, i, tokens);
    } else if (/[0-9]/.test(ch)) {
      i = readNumber(src, i, tokens);
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const text = m?.[0] ?? ch;
      tokens.push({ kind: 'ident', text, start: i });
      i += text.length;
    } else if (TWO_CHAR_OPS.has(src.slice(i, i + 2))) {
      tokens.push({ kind: 'op', text: src.slice(i, i + 2), start: i });
      i += 2;
    } else if (ONE_CHAR_OPS.has(ch)) {
      tokens.push({ kind: 'op', text: ch, start: i });
      i++;
    } else if (PUNCT.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, start: i });
      i++;
    } else {
      throw new OttlSyntaxError(`unexpected character '${ch}'`, i + 1);
    }
  }
  tokens.push({ kind: 'eof', text: '', start: src.length });
  return tokens;
}

function readString(src: string, start: number, out: Token[]): number {
  let i = start + 1;
  while (i < src.length) {
    const ch = src.charAt(i);
    if (ch === '\\') {
      const next = src.charAt(i + 1);
      if (!ESCAPES.has(next)) throw new OttlSyntaxError(`invalid escape sequence '\\${next}' in string`, i + 1);
      i += 2;
    } else if (ch === '"') {
      out.push({ kind: 'string', text: src.slice(start, i + 1), start });
      return i + 1;
    } else {
      i++;
    }
  }
  throw new OttlSyntaxError('unterminated string literal', start + 1);
}

function readNumber(src: string, start: number, out: Token[]): number {
  const rest = src.slice(start);
  const bytes = /^0x[0-9A-Fa-f]+/.exec(rest);
  const float = /^[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?|^[0-9]+[eE][+-]?[0-9]+/.exec(rest);
  const int = /^[0-9]+/.exec(rest);
  const [kind, text] = bytes ? (['bytes', bytes[0]] as const) : float ? (['float', float[0]] as const) : (['int', int?.[0] ?? ''] as const);
  const after = src.charAt(start + text.length);
  if (/[A-Za-z_]/.test(after)) throw new OttlSyntaxError(`malformed number '${text}${after}'`, start + 1);
  out.push({ kind, text, start });
  return start + text.length;
}
