/**
 * One reason a config file was rejected.
 *
 * Contract: `file` is the file name as submitted; `line`/`column` are 1-based
 * and present when the source position is known; `path` is a dotted path into
 * the parsed document (e.g. `service.pipelines.traces.processors[2]`); `code`
 * is a stable UPPER_SNAKE identifier clients may match on; `message` is for
 * humans and may change.
 */
export interface ConfigProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

/** A config file as submitted by an operator. */
export interface ConfigFileInput {
  readonly name: string;
  readonly contentType: string;
  readonly body: string;
}

/** A segment of a path into a parsed document: a map key or a list index. */
export type PathSegment = string | number;

/** Renders path segments as `a.b[2].c`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
