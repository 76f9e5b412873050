import { InvalidConfigError } from './errors.js';

/** Where a config version came from: the API, or a commit of a Git repository (GitOps). */
export type ConfigOrigin =
  | { readonly type: 'api' }
  | { readonly type: 'git'; readonly repository: string; readonly branch: string; readonly commit: string; readonly path: string };

const GIT_FIELDS = ['repository', 'branch', 'commit', 'path'] as const;
const MAX_FIELD = 1024;

/**
 * The origin, checked and frozen; `{type: 'api'}` when absent.
 * @throws InvalidConfigError naming the field: an unknown type, a missing or over-long Git
 *   field (`path` may be empty: the repository root), unknown fields
 */
export function checkOrigin(origin: unknown): ConfigOrigin {
  if (origin === undefined) return Object.freeze({ type: 'api' });
  if (typeof origin !== 'object' || origin === null || Array.isArray(origin)) {
    throw new InvalidConfigError('origin must be {"type": "api"} or {"type": "git", "repository", "branch", "commit", "path"}');
  }
  const fields = origin as Record<string, unknown>;
  if (fields['type'] === 'api' && Object.keys(fields).length === 1) return Object.freeze({ type: 'api' });
  if (fields['type'] !== 'git') throw new InvalidConfigError(`origin.type must be "api" or "git", got ${JSON.stringify(fields['type'])}`);
  const unknown = Object.keys(fields).filter((key) => key !== 'type' && !(GIT_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new InvalidConfigError(`origin has unknown fields ${JSON.stringify(unknown)}`);
  for (const key of GIT_FIELDS) {
    const value = fields[key];
    if (typeof value !== 'string' || value.length > MAX_FIELD || (value === '' && key !== 'path')) {
      throw new InvalidConfigError(`origin.${key} must be a ${key === 'path' ? '' : 'non-empty '}string of at most ${MAX_FIELD} characters`);
    }
  }
  const { repository, branch, commit, path } = fields as Record<(typeof GIT_FIELDS)[number], string>;
  return Object.freeze({ type: 'git', repository, branch, commit, path });
}
