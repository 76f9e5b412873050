import { OttlSyntaxError } from './ottl-syntax-error.js';
import { tokenize, type Token } from './tokenizer.js';

/**
 * What an expression yields, as far as syntax can tell: `bool` (comparison,
 * and/or/not, true/false), `call` (a converter, which may yield anything) or
 * `value` (literal, path, list, map, arithmetic).
 */
type ExprType = 'bool' | 'call' | 'value';

const KEYWORDS = new Set(['where', 'and', 'or', 'not']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** Bounds recursion so a hostile statement cannot overflow the stack. */
const MAX_NESTING = 64;

/**
 * Checks one OTTL statement: `editor(args) [where condition]`. Returns when the
 * statement is syntactically valid; throws {@link OttlSyntaxError} with the
 * 1-based column of the first offending token otherwise. Function names are
 * not checked against a registry: only the shape of the grammar is.
 */
export function parseOttlStatement(src: string): void {
  new StatementParser(tokenize(src)).statement();
}

class StatementParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  statement(): void {
    this.editor();
    if (this.isIdent('where')) {
      const whereTok = this.next();
      if (this.peek().kind === 'eof') throw this.error(`missing condition after 'where'`, whereTok);
      const start = this.peek();
      this.requireBoolean(this.orExpr(), start, 'the where clause');
    }
    const rest = this.peek();
    if (rest.kind !== 'eof') throw this.error(`unexpected ${describe(rest)} after the editor call; expected 'where' or end of statement`);
  }

  private editor(): void {
    const name = this.peek();
    if (name.kind !== 'ident' || KEYWORDS.has(name.text)) {
      throw this.error(`a statement must start with an editor call such as set(...), found ${describe(name)}`);
    }
    if (/^[A-Z]/.test(name.text)) {
      throw this.error(`'${name.text}' is a converter; a statement must start with an editor (a lower-case function such as set)`);
    }
    this.next();
    this.expect('(', `expected '(' after editor '${name.text}'`);
    this.argumentList(')');
  }

  private argumentList(close: string): void {
    if (this.isPunct(close)) {
      this.next();
      return;
    }
    for (;;) {
      this.argument();
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expect(close, `expected ',' or '${close}' in argument list, found ${describe(this.peek())}`);
      return;
    }
  }

  private argument(): void {
    const t = this.peek();
    const after = this.tokens[this.pos + 1];
    if (t.kind === 'ident' && after?.kind === 'op' && after.text === '=') {
      this.pos += 2;
    }
    const start = this.peek();
    const type = this.orExpr();
    if (type === 'bool' && !isBoolLiteral(start, this.tokens[this.pos - 1])) {
      throw this.error('comparisons and boolean operators are only allowed in a where clause', start);
    }
  }

  private orExpr(): ExprType {
    return this.logical('or', () => this.andExpr());
  }

  private andExpr(): ExprType {
    return this.logical('and', () => this.notExpr());
  }

  private logical(op: 'and' | 'or', operand: () => ExprType): ExprType {
    const first = this.peek();
    const left = operand();
    if (!this.isIdent(op)) return left;
    this.requireBoolean(left, first, `the left side of '${op}'`);
    while (this.isIdent(op)) {
      this.next();
      const start = this.peek();
      this.requireBoolean(operand(), start, `the right side of '${op}'`);
    }
    return 'bool';
  }

  private notExpr(): ExprType {
    if (!this.isIdent('not')) return this.comparison();
    this.next();
    const start = this.peek();
    this.requireBoolean(this.nested(() => this.notExpr()), start, `the operand of 'not'`);
    return 'bool';
  }

  private comparison(): ExprType {
    const left = this.additive();
    const op = this.peek();
    if (op.kind === 'op' && op.text === '=') throw this.error(`'=' is not a comparison; use '==' to compare values`);
    if (op.kind !== 'op' || !COMPARISONS.has(op.text)) return left;
    this.next();
    this.additive();
    const again = this.peek();
    if (again.kind === 'op' && COMPARISONS.has(again.text)) throw this.error('comparisons cannot be chained; join them with and/or');
    return 'bool';
  }

  private additive(): ExprType {
    return this.arithmetic(['+', '-'], () => this.multiplicative());
  }

  private multiplicative(): ExprType {
    return this.arithmetic(['*', '/'], () => this.unary());
  }

  private arithmetic(ops: readonly string[], operand: () => ExprType): ExprType {
    const first = this.peek();
    let type = operand();
    while (this.peek().kind === 'op' && ops.includes(this.peek().text)) {
      if (type === 'bool') throw this.error('a boolean cannot be used in arithmetic', first);
      this.next();
      const start = this.peek();
      if (operand() === 'bool') throw this.error('a boolean cannot be used in arithmetic', start);
      type = 'value';
    }
    return type;
  }

  private unary(): ExprType {
    if (this.peek().kind === 'op' && this.peek().text === '-') {
      this.next();
      const start = this.peek();
      if (this.primary() === 'bool') throw this.error('a boolean cannot be negated with -; use not', start);
      return 'value';
    }
    return this.primary();
  }

  private primary(): ExprType {
    return this.nested(() => this.primaryInner());
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) throw this.error(`expression nested more than ${MAX_NESTING} levels deep`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private primaryInner(): ExprType {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
      case 'int':
      case 'float':
      case 'bytes':
        this.next();
        return 'value';
      case 'ident':
        return this.identifierExpr(t);
      case 'punct':
        return this.bracketed(t);
      case 'eof':
        throw this.error('unexpected end of statement; expected a value');
      default:
        throw this.error(`unexpected ${describe(t)}; expected a value`);
    }
  }

  private identifierExpr(t: Token): ExprType {
    if (t.text === 'true' || t.text === 'false') {
      this.next();
      return 'bool';
    }
    if (t.text === 'nil') {
      this.next();
      return 'value';
    }
    if (KEYWORDS.has(t.text)) throw this.error(`unexpected keyword '${t.text}'; expected a value`);
    const callsNext = this.tokens[this.pos + 1]?.text === '(' && this.tokens[this.pos + 1]?.kind === 'punct';
    if (callsNext && /^[a-z]/.test(t.text)) {
      throw this.error(`'${t.text}(' is an editor call; only converters (upper-case names such as ${capitalise(t.text)}) can be used as values`);
    }
    this.next();
    if (callsNext) {
      this.next();
      this.argumentList(')');
      this.indexes();
      return 'call';
    }
    // Upper-case bare identifiers are enums (SPAN_KIND_SERVER) or function references.
    if (/^[A-Z]/.test(t.text)) return 'value';
    this.pathRest();
    return 'value';
  }

  private pathRest(): void {
    while (this.isPunct('.')) {
      this.next();
      const field = this.peek();
      if (field.kind !== 'ident') throw this.error(`expected a field name after '.', found ${describe(field)}`);
      this.next();
    }
    this.indexes();
  }

  private indexes(): void {
    while (this.isPunct('[')) {
      this.next();
      if (this.isPunct(']')) throw this.error('empty index []; expected a key such as ["name"] or [0]');
      const start = this.peek();
      if (this.additive() === 'bool') throw this.error('an index must be a string or integer, not a boolean', start);
      this.expect(']', `expected ']' to close the index, found ${describe(this.peek())}`);
    }
  }

  private bracketed(t: Token): ExprType {
    this.next();
    if (t.text === '(') {
      const type = this.orExpr();
      this.expect(')', `expected ')' to close '(' at column ${t.start + 1}, found ${describe(this.peek())}`);
      return type;
    }
    if (t.text === '[') {
      if (!this.isPunct(']')) this.listItems(']');
      else this.next();
      return 'value';
    }
    if (t.text === '{') {
      this.mapEntries();
      return 'value';
    }
    throw this.error(`unexpected ${describe(t)}; expected a value`, t);
  }

  private listItems(close: string): void {
    for (;;) {
      this.additive();
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expect(close, `expected ',' or '${close}' in list, found ${describe(this.peek())}`);
      return;
    }
  }

  private mapEntries(): void {
    if (this.isPunct('}')) {
      this.next();
      return;
    }
    for (;;) {
      const key = this.peek();
      if (key.kind !== 'string') throw this.error(`map keys must be strings, found ${describe(key)}`);
      this.next();
      this.expect(':', `expected ':' after map key, found ${describe(this.peek())}`);
      this.additive();
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expect('}', `expected ',' or '}' in map, found ${describe(this.peek())}`);
      return;
    }
  }

  private requireBoolean(type: ExprType, start: Token, what: string): void {
    if (type === 'value') throw this.error(`${what} must be a condition (a comparison, true/false or a converter call)`, start);
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isIdent(text: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === text;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private expect(text: string, message: string): void {
    if (!this.isPunct(text)) throw this.error(message);
    this.next();
  }

  private error(message: string, at: Token = this.peek()): OttlSyntaxError {
    return new OttlSyntaxError(message, at.start + 1);
  }
}

function isBoolLiteral(start: Token, end: Token | undefined): boolean {
  return start === end && (start.text === 'true' || start.text === 'false');
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of statement' : `'${t.text}'`;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
