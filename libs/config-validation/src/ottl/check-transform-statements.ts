import { formatPath, type PathSegment } from '../problem.js';
import { OttlSyntaxError } from './ottl-syntax-error.js';
import { parseOttlStatement } from './parser.js';

/** An OTTL syntax problem found in a transform processor, before file/position are attached. */
export interface OttlProblem {
  readonly path: readonly PathSegment[];
  readonly code: 'OTTL_SYNTAX_ERROR' | 'OTTL_STATEMENT_NOT_STRING' | 'OTTL_STATEMENTS_INVALID';
  readonly message: string;
}

/** Statement groups of the transform processor: the classic `*_statements` and the flat per-signal lists. */
const STATEMENT_KEYS = ['trace_statements', 'metric_statements', 'log_statements', 'profile_statements', 'traces', 'metrics', 'logs', 'profiles'];

/**
 * Syntax-checks every OTTL statement of every `transform` / `transform/<name>`
 * processor in `processors`. Each group is a list whose items are statement
 * strings or `{context, statements: [...]}` objects. Returns one problem per
 * failing statement, quoting it with the column of the error inside it.
 */
export function checkTransformStatements(processors: Readonly<Record<string, unknown>>): OttlProblem[] {
  const problems: OttlProblem[] = [];
  for (const [id, cfg] of Object.entries(processors)) {
    if (id.split('/')[0] !== 'transform' || !isRecord(cfg)) continue;
    for (const key of STATEMENT_KEYS) {
      const group = cfg[key];
      if (group === undefined || group === null) continue;
      const base: PathSegment[] = ['processors', id, key];
      if (!Array.isArray(group)) {
        problems.push({ path: base, code: 'OTTL_STATEMENTS_INVALID', message: `${formatPath(base)} must be a list of statements` });
        continue;
      }
      group.forEach((item: unknown, i) => checkGroupItem(item, [...base, i], problems));
    }
  }
  return problems;
}

function checkGroupItem(item: unknown, path: PathSegment[], out: OttlProblem[]): void {
  if (typeof item === 'string') {
    checkStatement(item, path, out);
    return;
  }
  if (isRecord(item) && Array.isArray(item['statements'])) {
    item['statements'].forEach((s: unknown, j) => {
      const p = [...path, 'statements', j];
      if (typeof s === 'string') checkStatement(s, p, out);
      else out.push({ path: p, code: 'OTTL_STATEMENT_NOT_STRING', message: `${formatPath(p)} must be a string OTTL statement` });
    });
    return;
  }
  out.push({ path, code: 'OTTL_STATEMENT_NOT_STRING', message: `${formatPath(path)} must be an OTTL statement string or {context, statements: [...]}` });
}

function checkStatement(statement: string, path: PathSegment[], out: OttlProblem[]): void {
  try {
    parseOttlStatement(statement);
  } catch (err) {
    if (!(err instanceof OttlSyntaxError)) throw err;
    out.push({
      path,
      code: 'OTTL_SYNTAX_ERROR',
      message: `OTTL syntax error at column ${err.column} of statement "${statement}": ${err.message}`,
    });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
