import { ShepherdError, type ShepherdErrorOptions } from '@shepherd/errors';

/** One defect of an agent config file: the YAML key path (`opamp.server.endpoint`) and what is wrong. */
export interface AgentConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Most problems listed in one error; the rest are counted. */
const MAX_LISTED = 20;

/**
 * The agent config file cannot be used: unreadable, not YAML, or values that
 * fail validation. `problems` lists every defect found, each naming its key
 * path; the message repeats them one per line.
 */
export class AgentConfigError extends ShepherdError {
  readonly code = 'AGENT_CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
  readonly problems: readonly AgentConfigProblem[];

  constructor(source: string, problems: readonly AgentConfigProblem[], options: ShepherdErrorOptions = {}) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  ${p.path === '' ? '(top level)' : p.path}: ${p.message}`);
    if (problems.length > MAX_LISTED) listed.push(`  … and ${problems.length - MAX_LISTED} more`);
    super(`agent config ${source} is invalid:\n${listed.join('\n')}`, options);
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
  }
}

/** Renders a key path the way the YAML writes it: `opamp.server.headers.Authorization`, `collector.args[2]`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
