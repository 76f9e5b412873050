import { isShepherdError } from '@shepherd/errors';
import { EXIT_CONFIG } from '@shepherd/runtime';

/**
 * The one line printed when a process cannot start: the app name, what failed
 * and why, with the cause chain folded in. Stack traces go to the JSON log,
 * not here: an operator reading a crash loop needs the reason, not the frames.
 */
export function startupFailureLine(app: string, err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  const code = isShepherdError(err) ? ` [${err.code}]` : '';
  return `${app}: cannot start${code}: ${parts.join(': ').replace(/\s+/g, ' ')}`;
}

/**
 * The exit code of a module that could not start: EX_CONFIG (78) when the module refused its
 * settings (a Shepherd error of kind `invalid_argument`, e.g. bad GitOps settings), like a bad
 * environment variable; 1 for anything else (an unreachable backend, a bug).
 */
export function startupExitCode(err: unknown): number {
  return isShepherdError(err) && err.kind === 'invalid_argument' ? EXIT_CONFIG : 1;
}
